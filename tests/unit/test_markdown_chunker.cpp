#include "ingest/markdown_chunker.h"
#include "ingest/source_parsers.h"
#include "ingest/token_counter.h"

#include <QtTest>

using namespace ac::ingest;

namespace {

DocumentSource document(const QString& title, const QString& markdown)
{
    DocumentSource d;
    d.id = QStringLiteral("d1");
    d.title = title;
    d.category = QStringLiteral("refund");
    d.acl = {QStringLiteral("role:staff")};
    d.markdown = markdown;
    return d;
}

QString sentences(const QString& stem, int count)
{
    QStringList out;
    for (int i = 1; i <= count; ++i)
        out << QStringLiteral("%1 sentence number %2 explains one more refund rule in plain words.").arg(stem).arg(i);
    return out.join(QLatin1Char(' '));
}

} // namespace

class TestMarkdownChunker : public QObject {
    Q_OBJECT

private slots:
    void fixtureCitations_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("headingPath");
        QTest::addColumn<QString>("citation");
        QTest::addColumn<QString>("startsWith");
        QTest::newRow("intro") << 0 << "Refund Policy" << "[Refund Policy]" << "This policy explains";
        QTest::newRow("eligibility") << 1 << "Refund Policy > Eligibility" << "[Refund Policy §1]" << "Refunds are granted within 30 days";
        QTest::newRow("how_to_request") << 2 << "Refund Policy > How to request a refund" << "[Refund Policy §2]" << "Email support@acme.example";
        QTest::newRow("money_arrives") << 3 << "Refund Policy > When the money arrives" << "[Refund Policy §3]" << "Once the warehouse";
        QTest::newRow("partial") << 4 << "Refund Policy > Partial refunds and shipping costs" << "[Refund Policy §4]" << "Original shipping costs";
    }
    void fixtureCitations()
    {
        QFETCH(int, index);
        QFETCH(QString, headingPath);
        QFETCH(QString, citation);
        QFETCH(QString, startsWith);
        const DocumentSource d = parseDocumentFile(QStringLiteral(":/fixtures/merchants/m01/docs/refund-policy.md"));
        const std::vector<Chunk> chunks = chunkDocument(d);
        QCOMPARE(chunks.size(), size_t(5));
        const Chunk& c = chunks[static_cast<size_t>(index)];
        QCOMPARE(c.index, index);
        QCOMPARE(c.headingPath, headingPath);
        QCOMPARE(c.citation, citation);
        QCOMPARE(c.section, QString::number(index));
        QVERIFY2(c.text.startsWith(startsWith), qPrintable(c.text));
        QVERIFY(c.embedText().startsWith(headingPath + QStringLiteral("\n\n")));
        QCOMPARE(c.contentHash, Chunk::hashOf(c.embedText()));
        QCOMPARE(c.metadata.value(QStringLiteral("source")).toString(), QStringLiteral("policy"));
        QCOMPARE(c.metadata.value(QStringLiteral("category")).toString(), QStringLiteral("refund"));
        QCOMPARE(c.metadata.value(QStringLiteral("title")).toString(), QStringLiteral("Refund Policy"));
    }

    void boundaries_data()
    {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<int>("minTokens");
        QTest::addColumn<int>("maxTokens");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("expectedChunks");
        QTest::addColumn<QStringList>("expectedCitations");
        QTest::newRow("small_sections_one_chunk_each")
            << QStringLiteral("Intro.\n\n## A\n\nAlpha text.\n\n## B\n\nBeta text.") << 500 << 800 << 80 << 3
            << QStringList{"[T]", "[T §1]", "[T §2]"};
        QTest::newRow("no_h2_is_section_zero") << QStringLiteral("# T\n\nOnly an intro.\n\nAnd more.") << 500 << 800 << 80 << 1
                                               << QStringList{"[T]"};
        QTest::newRow("long_section_split_with_overlap")
            << (QStringLiteral("## Long\n\n") + sentences(QStringLiteral("First"), 12) + QStringLiteral("\n\n")
                + sentences(QStringLiteral("Second"), 12))
            << 40 << 60 << 15 << -1 << QStringList{};
        QTest::newRow("one_giant_sentence_is_cut_at_words")
            << (QStringLiteral("## Giant\n\n") + QStringLiteral("word ").repeated(400)) << 50 << 100 << 10 << -1
            << QStringList{};
        QTest::newRow("sections_never_merge")
            << QStringLiteral("## A\n\nShort.\n\n## B\n\nAlso short.") << 500 << 800 << 80 << 2
            << QStringList{"[T §1]", "[T §2]"};
    }
    void boundaries()
    {
        QFETCH(QString, markdown);
        QFETCH(int, minTokens);
        QFETCH(int, maxTokens);
        QFETCH(int, overlap);
        QFETCH(int, expectedChunks);
        QFETCH(QStringList, expectedCitations);
        const ChunkerOptions options{minTokens, maxTokens, overlap};
        const std::vector<Chunk> chunks = chunkDocument(document(QStringLiteral("T"), markdown), options);
        if (expectedChunks >= 0)
            QCOMPARE(static_cast<int>(chunks.size()), expectedChunks);
        else
            QVERIFY(chunks.size() > 1);
        for (size_t i = 0; i < chunks.size(); ++i) {
            QVERIFY2(countTokens(chunks[i].text) <= maxTokens, qPrintable(chunks[i].text));
            QCOMPARE(chunks[i].tokenCount, countTokens(chunks[i].text));
            if (!expectedCitations.isEmpty())
                QCOMPARE(chunks[i].citation, expectedCitations[static_cast<qsizetype>(i)]);
        }
        if (QByteArray(QTest::currentDataTag()) == "long_section_split_with_overlap") {
            for (size_t i = 0; i < chunks.size(); ++i) {
                QVERIFY2(chunks[i].text.endsWith(QLatin1Char('.')), "a chunk ends mid-sentence");
                if (i > 0) {
                    // The previous chunk's last sentence opens the next one.
                    const QString last = chunks[i - 1].text.section(QStringLiteral(". "), -1);
                    QVERIFY2(chunks[i].text.contains(last), qPrintable(chunks[i].text));
                }
            }
        }
    }

    void subHeadingsNest()
    {
        const auto chunks = chunkDocument(document(QStringLiteral("Guide"),
                                                   QStringLiteral("## Returns\n\n### Damaged items\n\nSend a photo.")));
        QCOMPARE(chunks.size(), size_t(1));
        QCOMPARE(chunks[0].headingPath, QStringLiteral("Guide > Returns > Damaged items"));
        QCOMPARE(chunks[0].citation, QStringLiteral("[Guide §1]"));
        QVERIFY(chunks[0].text.contains(QStringLiteral("Damaged items\n\nSend a photo.")));
    }

    void codeBlockStaysWhole()
    {
        const auto chunks = chunkDocument(document(
            QStringLiteral("T"), QStringLiteral("## Code\n\nRun this.\n\n```\ncurl -X POST /refund. Then stop.\n```\n")));
        QCOMPARE(chunks.size(), size_t(1));
        QVERIFY(chunks[0].text.contains(QStringLiteral("```\ncurl -X POST /refund. Then stop.\n```")));
    }

    void identityIsStable()
    {
        const QString md = QStringLiteral("Intro.\n\n## A\n\nAlpha.\n\n## B\n\nBeta.");
        const auto first = chunkDocument(document(QStringLiteral("T"), md));
        const auto again = chunkDocument(document(QStringLiteral("T"), md));
        const auto edited = chunkDocument(document(QStringLiteral("T"), QString(md).replace("Beta.", "Gamma.")));
        QCOMPARE(first.size(), again.size());
        for (size_t i = 0; i < first.size(); ++i)
            QCOMPARE(first[i].contentHash, again[i].contentHash);
        QCOMPARE(edited[0].contentHash, first[0].contentHash);
        QCOMPARE(edited[1].contentHash, first[1].contentHash);
        QVERIFY(edited[2].contentHash != first[2].contentHash);
    }

    void tokenCounting_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("tokens");
        QTest::newRow("empty") << "" << 0;
        QTest::newRow("words") << "the refund arrived" << 4;  // "arrived" is 7 chars: 2 pieces
        QTest::newRow("punctuation") << "Order #4821, please!" << 6;
    }
    void tokenCounting()
    {
        QFETCH(QString, text);
        QFETCH(int, tokens);
        QCOMPARE(countTokens(text), tokens);
    }
};

QTEST_GUILESS_MAIN(TestMarkdownChunker)
#include "test_markdown_chunker.moc"
