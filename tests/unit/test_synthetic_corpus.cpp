#include "ingest/markdown_chunker.h"
#include "ingest/source_parsers.h"
#include "synthetic_corpus.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace ac::ingest;
using namespace ac::bench;

class TestSyntheticCorpus : public QObject {
    Q_OBJECT

private slots:
    void deterministicFromSeed()
    {
        const SyntheticCorpus a({7, 5, 10, 20, 1.1}), b({7, 5, 10, 20, 1.1}), c({8, 5, 10, 20, 1.1});
        QCOMPARE(SyntheticCorpus::toMarkdownFile(a.document(2, 3)), SyntheticCorpus::toMarkdownFile(b.document(2, 3)));
        QCOMPARE(a.ticket(1, 4).messages.back().body, b.ticket(1, 4).messages.back().body);
        QVERIFY(SyntheticCorpus::toMarkdownFile(a.document(2, 3)) != SyntheticCorpus::toMarkdownFile(c.document(2, 3)));
    }

    void sizesAreSkewed()
    {
        const SyntheticCorpus corpus({1, 20, 50, 100, 1.1});
        QVERIFY(corpus.documentCount(0) > 4 * corpus.documentCount(19));
        int total = 0;
        for (int m = 0; m < 20; ++m)
            total += corpus.documentCount(m);
        QVERIFY(std::abs(total - 1000) < 60);  // the mean is kept
        QSet<QString> acls;
        for (int i = 0; i < 50; ++i)
            acls.insert(corpus.document(0, i).acl.join(QLatin1Char(',')));
        QVERIFY(acls.size() >= 3);
    }

    void treeParsesBack()
    {
        QTemporaryDir dir;
        const SyntheticCorpus corpus({3, 2, 4, 6, 1.0});
        QVERIFY(corpus.writeTree(dir.path()) > 0);
        const QString root = dir.filePath(corpus.merchantId(0));
        const QStringList docs = QDir(root + "/docs").entryList({"*.md"}, QDir::Files);
        QCOMPARE(docs.size(), corpus.documentCount(0));
        for (const QString& name : docs) {
            const DocumentSource d = parseDocumentFile(root + "/docs/" + name);
            QVERIFY(!d.acl.isEmpty());
            const auto chunks = chunkDocument(d);
            QVERIFY(chunks.size() >= 3);
        }
        QFile tickets(root + "/tickets.jsonl");
        QVERIFY(tickets.open(QIODevice::ReadOnly));
        QCOMPARE(static_cast<int>(parseTicketsJsonl(tickets.readAll(), tickets.fileName()).size()), corpus.ticketCount(0));
    }
};

QTEST_GUILESS_MAIN(TestSyntheticCorpus)
#include "test_synthetic_corpus.moc"
