#include "retrieval/source_diversity.h"

#include <QTest>

using namespace ac::retrieval;

class TestSourceDiversity : public QObject {
    Q_OBJECT
private slots:
    void caps_data()
    {
        QTest::addColumn<QStringList>("sources");
        QTest::addColumn<int>("cap");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("cap_two") << QStringList{"t1", "t1", "t1", "d7", "t5"} << 2
                                 << QStringList{"t1", "t1", "d7", "t5", "t1"};
        QTest::newRow("cap_one") << QStringList{"t1", "t1", "d7", "d7", "t5"} << 1
                                 << QStringList{"t1", "d7", "t5", "t1", "d7"};
        QTest::newRow("no_cap") << QStringList{"t1", "t1", "t1"} << 0 << QStringList{"t1", "t1", "t1"};
        QTest::newRow("already_diverse") << QStringList{"a", "b", "c"} << 1 << QStringList{"a", "b", "c"};
        QTest::newRow("empty") << QStringList{} << 2 << QStringList{};
    }
    void caps()
    {
        QFETCH(QStringList, sources);
        QFETCH(int, cap);
        QFETCH(QStringList, expected);
        std::vector<RetrievedChunk> ranked;
        for (const QString& s : sources) {
            RetrievedChunk c;
            c.sourceType = QStringLiteral("x");
            c.sourceId = s;
            ranked.push_back(c);
        }
        diversifyBySource(ranked, cap);
        QStringList got;
        for (size_t i = 0; i < ranked.size(); ++i) {
            got << ranked[i].sourceId;
            QCOMPARE(ranked[i].rank, int(i) + 1);
        }
        QCOMPARE(got, expected);
    }

    void sameIdDifferentTypeIsDifferentSource()
    {
        std::vector<RetrievedChunk> ranked(2);
        ranked[0].sourceType = QStringLiteral("document");
        ranked[1].sourceType = QStringLiteral("ticket");
        ranked[0].sourceId = ranked[1].sourceId = QStringLiteral("x1");
        ranked[0].chunkId = 1;
        ranked[1].chunkId = 2;
        diversifyBySource(ranked, 1);
        QCOMPARE(ranked[1].chunkId, 2);
    }
};

QTEST_APPLESS_MAIN(TestSourceDiversity)
#include "test_source_diversity.moc"
