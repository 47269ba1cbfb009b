#include "eval/beir_dataset.h"
#include "eval/eval_error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace ac::eval;

namespace {

void writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

const QByteArray kCorpus = R"({"_id": "d1", "title": "Refunds", "text": "Refunds take 5-7 days."}
{"_id": "d2", "title": "", "text": "Reset links last 30 minutes."}

{"_id": 3, "title": "Numeric id", "text": "x"}
)";
const QByteArray kQueries = R"({"_id": "q1", "text": "when is my money back"}
{"_id": "q2", "text": "reset link expired"}
{"_id": "q3", "text": "no judgements for me"}
)";
const QByteArray kQrels = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t2\nq2\t3\t0\n";

} // namespace

class TestBeirDataset : public QObject {
    Q_OBJECT
private slots:
    void readsTheBeirLayout()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("corpus.jsonl"), kCorpus);
        writeFile(dir.filePath("queries.jsonl"), kQueries);
        writeFile(dir.filePath("qrels/test.tsv"), kQrels);
        const BeirDataset dataset = loadBeirDataset(dir.path());
        QCOMPARE(dataset.corpus.size(), size_t(3));
        QCOMPARE(dataset.corpus[0].title, QStringLiteral("Refunds"));
        QCOMPARE(dataset.corpus[2].id, QStringLiteral("3"));
        QCOMPARE(dataset.queries.size(), size_t(2));  // q3 has no relevant document
        QCOMPARE(dataset.qrels.value("q2").value("d2"), 2);
        QVERIFY(!dataset.qrels.value("q2").contains("3"));  // score 0 is not relevant
        QCOMPARE(dataset.hash.size(), 64);
        QCOMPARE(dataset.name, QFileInfo(dir.path()).fileName());

        writeFile(dir.filePath("qrels/test.tsv"), kQrels + "q1\td2\t1\n");
        QVERIFY(loadBeirDataset(dir.path()).hash != dataset.hash);
    }

    void rejectsMalformedInput_data()
    {
        QTest::addColumn<QByteArray>("corpus");
        QTest::addColumn<QByteArray>("qrels");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("bad_json") << QByteArray("{\"_id\": \"d1\", \"text\": \"a\"}\nnot json\n") << kQrels
                                  << QStringLiteral("corpus.jsonl:2");
        QTest::newRow("missing_id") << QByteArray("{\"text\": \"a\"}\n") << kQrels << QStringLiteral("_id");
        QTest::newRow("duplicate_id") << QByteArray("{\"_id\": \"d1\", \"text\": \"a\"}\n{\"_id\": \"d1\", \"text\": \"b\"}\n")
                                      << kQrels << QStringLiteral("duplicate");
        QTest::newRow("qrels_columns") << kCorpus << QByteArray("query-id\tcorpus-id\tscore\nq1 d1 1\n")
                                       << QStringLiteral("test.tsv:2");
        QTest::newRow("qrels_unknown_query") << kCorpus << QByteArray(kQrels + "q9\td1\t1\n")
                                             << QStringLiteral("test.tsv:5: query q9 is not in queries.jsonl");
        QTest::newRow("qrels_unknown_document") << kCorpus << QByteArray(kQrels + "q1\td404\t1\n")
                                                << QStringLiteral("test.tsv:5: document d404 is not in corpus.jsonl");
    }
    void rejectsMalformedInput()
    {
        QFETCH(QByteArray, corpus);
        QFETCH(QByteArray, qrels);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        writeFile(dir.filePath("corpus.jsonl"), corpus);
        writeFile(dir.filePath("queries.jsonl"), kQueries);
        writeFile(dir.filePath("qrels/test.tsv"), qrels);
        try {
            loadBeirDataset(dir.path());
            QFAIL("expected EvalError");
        } catch (const EvalError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(mentions), error.what());
        }
    }

    void unknownIdsCanBeDroppedWithAWarning()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("corpus.jsonl"), kCorpus);
        writeFile(dir.filePath("queries.jsonl"), kQueries);
        writeFile(dir.filePath("qrels/test.tsv"), kQrels + "q9\td1\t1\nq1\td404\t1\nq1\td405\t1\n");
        BeirLoadOptions lenient;
        lenient.allowUnknownIds = true;
        const BeirDataset dataset = loadBeirDataset(dir.path(), QStringLiteral("test"), lenient);
        QCOMPARE(dataset.queries.size(), size_t(2));
        QCOMPARE(dataset.qrels.value("q1").size(), 1);
        QCOMPARE(dataset.warnings.size(), 1);
        QVERIFY2(dataset.warnings.front().contains(QLatin1String("1 judgement rows naming a query"))
                     || dataset.warnings.front().contains(QLatin1String("ignored 1 judgement")),
                 qPrintable(dataset.warnings.front()));
        QVERIFY2(dataset.warnings.front().contains(QLatin1String("and 2 naming a document")), qPrintable(dataset.warnings.front()));
    }

    void missingFolderNamesTheFile()
    {
        try {
            loadBeirDataset(QStringLiteral("/nonexistent/beir"));
            QFAIL("expected EvalError");
        } catch (const EvalError& error) {
            QVERIFY(QString::fromUtf8(error.what()).contains(QStringLiteral("corpus.jsonl")));
        }
    }

    void theFixtureEvalSetIsEmbeddedAndConsistent()
    {
        const BeirDataset dataset = loadBeirDataset(QStringLiteral(":/fixtures/eval/acme"));
        QVERIFY(dataset.queries.size() >= 50);
        QSet<QString> ids;
        for (const BeirDocument& doc : dataset.corpus)
            ids.insert(doc.id);
        for (auto it = dataset.qrels.cbegin(); it != dataset.qrels.cend(); ++it)
            for (const QString& doc : it.value().keys())
                QVERIFY2(ids.contains(doc), qPrintable(it.key() + " judges unknown document " + doc));
    }
};

QTEST_APPLESS_MAIN(TestBeirDataset)
#include "test_beir_dataset.moc"
