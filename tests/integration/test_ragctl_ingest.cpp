#include "ingest_test_helpers.h"
#include "support/ragctl_runner.h"
#include "support/test_database.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace ac;

namespace {

using Run = test::RagctlRun;

Run ragctl(const QStringList& args)
{
    return test::runRagctl(args.first(), args.mid(1));
}

void write(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

const QByteArray kGoodDoc = "---\nid: cli-d1\ntitle: CLI Policy\ncategory: refund\nacl: [role:staff]\n---\n# CLI Policy\n\n"
                            "Intro.\n\n## Eligibility\n\nRefunds within 30 days.\n";

} // namespace

// The ingest commands end to end: clear errors and a non-zero exit for bad input.
class TestRagctlIngest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("AGENT_CONSOLE_RAGCTL").isEmpty())
            QSKIP("AGENT_CONSOLE_RAGCTL is not set (run through ctest)");
        db::PgConnection conn = test::TestDatabase::instance().connect();
        test::createMerchant(conn, QStringLiteral("mc1"));
        QDir().mkpath(dir_.filePath("docs/sub"));
        write(dir_.filePath("docs/a.md"), kGoodDoc);
        write(dir_.filePath("docs/sub/b.md"), QByteArray(kGoodDoc).replace("cli-d1", "cli-d2"));
    }

    void loadFolderThenRerun()
    {
        const Run first = ragctl({"load", "--merchant", "mc1", dir_.filePath("docs")});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QVERIFY2(first.out.contains("loaded 2 documents (4 chunks: 4 written"), qPrintable(first.out));
        const Run again = ragctl({"load", "--merchant", "mc1", dir_.filePath("docs")});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QVERIFY2(again.out.contains("4 chunks: 0 written, 4 unchanged, 0 deleted, 0 embedded"), qPrintable(again.out));
    }

    // ACL graphs: the dry run lists the tenant's tokens and builds nothing; a named token is built
    // once (a second run finds it) as a partial HNSW index on the merchant's partition.
    void aclGraphsCommand()
    {
        QVERIFY(ragctl({"load", "--merchant", "mc1", dir_.filePath("docs")}).exitCode == 0);
        const Run dry = ragctl({"acl-graphs", "--merchant", "mc1", "--dry-run"});
        QVERIFY2(dry.exitCode == 0, qPrintable(dry.err));
        QVERIFY2(dry.out.contains("graphs to build for mc1: none"), qPrintable(dry.out));  // too few rows for any
        const Run build = ragctl({"acl-graphs", "--merchant", "mc1", "--token", "topic:refund"});
        QVERIFY2(build.exitCode == 0, qPrintable(build.err));
        db::PgConnection conn = test::TestDatabase::instance().connect();
        const db::PgResult index = conn.exec(
            "SELECT pg_get_indexdef(to_regclass(app.acl_graph_name('mc1', 'topic:refund', "
            "  (SELECT embedding_dims FROM corpus_versions WHERE merchant_id = 'mc1' AND state = 'live'))))");
        QVERIFY2(index.text(0, 0).contains("USING hnsw") && index.text(0, 0).contains("topic:refund"),
                 qPrintable(index.text(0, 0)));
        QVERIFY(ragctl({"acl-graphs", "--merchant", "mc1", "--token", "topic:refund"}).exitCode == 0);
        const Run missing = ragctl({"acl-graphs"});
        QVERIFY(missing.exitCode != 0 && missing.err.contains("--merchant"));
        const Run unknown = ragctl({"acl-graphs", "--merchant", "nosuch", "--token", "topic:refund"});
        QVERIFY2(unknown.exitCode != 0 && unknown.err.contains("unknown merchant nosuch"), qPrintable(unknown.err));
        const Run empty = ragctl({"acl-graphs", "--merchant", "mc1", "--token", " "});
        QVERIFY2(empty.exitCode != 0 && empty.err.contains("must not be empty"), qPrintable(empty.err));
        conn.exec(QStringLiteral("DROP INDEX %1").arg(conn.exec(
            "SELECT app.acl_graph_name('mc1', 'topic:refund', "
            "  (SELECT embedding_dims FROM corpus_versions WHERE merchant_id = 'mc1' AND state = 'live'))").text(0, 0)));
    }

    void aclOptionReplacesFrontMatter()
    {
        const Run r = ragctl({"load", "--merchant", "mc1", "--acl", "role:staff,topic:refund", dir_.filePath("docs/a.md")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        db::PgConnection conn = test::TestDatabase::instance().connect();
        QCOMPARE(test::column(conn, "SELECT DISTINCT acl::text FROM chunks WHERE document_id = 'cli-d1'"),
                 QStringList{"{role:staff,topic:refund}"});
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("content");  // written to the file named by the last argument
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("not_utf8") << QStringList{"load", "--merchant", "mc1", "bad.md"}
                                  << QByteArray("---\nid: x\ntitle: T\nacl: [a]\n---\n\xff\xfe\n") << 1 << "not valid UTF-8";
        QTest::newRow("empty") << QStringList{"load", "--merchant", "mc1", "empty.md"} << QByteArray() << 1 << "file is empty";
        QTest::newRow("oversized") << QStringList{"load", "--merchant", "mc1", "big.md"} << QByteArray(5 * 1024 * 1024 + 1, 'x')
                                   << 1 << "limit is 5242880 bytes";
        QTest::newRow("unknown_merchant") << QStringList{"load", "--merchant", "nope", "ok.md"} << kGoodDoc << 1
                                          << "unknown merchant \"nope\"";
        QTest::newRow("wrong_dimensions") << QStringList{"load", "--merchant", "mc1", "--provider", "hash", "--dims", "768", "ok.md"} << kGoodDoc << 1
                                          << "cannot be mixed";
        QTest::newRow("missing_merchant") << QStringList{"load", "ok.md"} << kGoodDoc << 2 << "--merchant is required";
        QTest::newRow("unknown_provider") << QStringList{"load", "--merchant", "mc1", "--provider", "magic", "ok.md"} << kGoodDoc
                                          << 1 << "unknown embedding provider";
        QTest::newRow("tickets_bad_json") << QStringList{"load-tickets", "--merchant", "mc1", "t.jsonl"}
                                          << QByteArray("{\"id\": \"x\",\n") << 1 << "t.jsonl:1: bad JSON";
        QTest::newRow("tickets_unknown_customer")
            << QStringList{"load-tickets", "--merchant", "mc1", "u.jsonl"}
            << QByteArray("{\"id\":\"cli-t1\",\"customer_id\":\"ghost\",\"status\":\"open\",\"acl\":[\"role:staff\"],\"text\":\"hi\"}\n")
            << 1 << "--create-customers";
        QTest::newRow("tickets_wrong_extension") << QStringList{"load-tickets", "--merchant", "mc1", "t.txt"} << QByteArray("x") << 2
                                                 << "expected a .jsonl or .csv";
        QTest::newRow("reembed_corpus") << QStringList{"reembed", "--merchant", "mc1", "--provider", "corpus", "ok.md"}
                                        << kGoodDoc << 2 << "ragctl train --merchant mc1";
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, content);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QString file = dir_.filePath(args.last());
        write(file, content);
        if (args.first() == QLatin1String("reembed"))
            args.removeLast();
        else
            args.last() = file;
        const Run r = ragctl(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void ticketsWithCreatedCustomers()
    {
        write(dir_.filePath("c.csv"), "id,customer_id,status,acl,author,text\ncli-t2,new-cust,open,role:staff,customer,Where is my parcel?\n"
                                      "cli-t2,new-cust,open,role:staff,agent,It ships today.\n");
        const Run r = ragctl({"load-tickets", "--merchant", "mc1", "--create-customers", dir_.filePath("c.csv")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("loaded 1 tickets (2 chunks"), qPrintable(r.out));
    }

    // The source is the truth: exactly the vanished documents go, with their chunks; a dry run
    // writes nothing; a source that would delete most of what is stored is refused.
    void syncDeletesExactlyTheVanishedDocuments()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        test::createMerchant(conn, QStringLiteral("msync"));
        const QString folder = dir_.filePath("sync");
        QDir().mkpath(folder);
        for (const char* id : {"sy-1", "sy-2", "sy-3", "sy-4"})
            write(folder + "/" + id + ".md", QByteArray(kGoodDoc).replace("cli-d1", id));
        const auto stored = [&conn] {
            QStringList ids;
            const db::PgResult r = conn.exec("SELECT d.id, (SELECT count(*) FROM chunks c WHERE c.merchant_id = d.merchant_id "
                                             "AND c.document_id = d.id) FROM support_documents d WHERE d.merchant_id = 'msync' "
                                             "ORDER BY 1");
            for (int i = 0; i < r.rows(); ++i)
                ids << r.text(i, 0) + ":" + r.text(i, 1);
            return ids;
        };
        QVERIFY(ragctl({"load", "--merchant", "msync", folder}).exitCode == 0);
        QCOMPARE(stored(), (QStringList{"sy-1:2", "sy-2:2", "sy-3:2", "sy-4:2"}));
        const qint64 orphansBefore = conn.exec("SELECT count(*) FROM chunks WHERE merchant_id = 'msync'").integer(0, 0);
        QCOMPARE(orphansBefore, 8);

        QFile::remove(folder + "/sy-4.md");
        const Run dry = ragctl({"load", "--merchant", "msync", "--sync", "--dry-run", folder});
        QVERIFY2(dry.exitCode == 0, qPrintable(dry.err));
        QVERIFY2(dry.out.contains("would delete sy-4") && dry.out.contains("1 would be deleted"), qPrintable(dry.out));
        QCOMPARE(stored().size(), 4);

        const Run synced = ragctl({"load", "--merchant", "msync", "--sync", folder});
        QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
        QVERIFY2(synced.out.contains("deleted 1 documents"), qPrintable(synced.out));
        QCOMPARE(stored(), (QStringList{"sy-1:2", "sy-2:2", "sy-3:2"}));
        QCOMPARE(conn.exec("SELECT count(*) FROM chunks WHERE merchant_id = 'msync'").integer(0, 0), 6);

        // A truncated source (1 of 3) is refused and changes nothing, unless allowed.
        QFile::remove(folder + "/sy-2.md");
        QFile::remove(folder + "/sy-3.md");
        const Run truncated = ragctl({"load", "--merchant", "msync", "--sync", folder});
        QCOMPARE(truncated.exitCode, 1);
        QVERIFY2(truncated.err.contains("would delete 2 of the 3 stored documents"), qPrintable(truncated.err));
        QCOMPARE(stored().size(), 3);
        const Run allowed = ragctl({"load", "--merchant", "msync", "--sync", "--allow-mass-delete", folder});
        QVERIFY2(allowed.exitCode == 0, qPrintable(allowed.err));
        QCOMPARE(stored(), QStringList{"sy-1:2"});

        // An empty export is refused before anything is read or deleted.
        write(dir_.filePath("empty.jsonl"), "");
        const Run empty = ragctl({"load-tickets", "--merchant", "mc1", "--sync", dir_.filePath("empty.jsonl")});
        QVERIFY(empty.exitCode != 0);
        const Run misuse = ragctl({"load", "--merchant", "msync", "--dry-run", folder});
        QCOMPARE(misuse.exitCode, 2);
    }

    void genWritesALoadableTree()
    {
        const Run r = ragctl({"gen", "--out", dir_.filePath("gen"), "--merchants", "2", "--docs", "3", "--tickets", "4"});
        // gen takes no --db; ragctl refuses the unknown option with a usage error
        QCOMPARE(r.exitCode, 2);
        QProcess process;
        process.start(qEnvironmentVariable("AGENT_CONSOLE_RAGCTL"),
                      {"gen", "--out", dir_.filePath("gen"), "--merchants", "2", "--docs", "3", "--tickets", "4", "--seed", "7"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(QFile::exists(dir_.filePath("gen/s001/merchant.json")));
        QVERIFY(QFile::exists(dir_.filePath("gen/s001/tickets.jsonl")));

        // The README's path: gen, seed those fixtures, then ask as one of the generated agents.
        const Run seeded = ragctl({"seed", "--fixtures", dir_.filePath("gen")});
        QVERIFY2(seeded.exitCode == 0, qPrintable(seeded.err));
        const Run asked = ragctl({"query", "--agent", "s001-a1", "--k", "2", "refund"});
        QVERIFY2(asked.exitCode == 0, qPrintable(asked.err + asked.out));
        QVERIFY2(asked.out.contains("s001"), qPrintable(asked.out));
        const Run contractor = ragctl({"query", "--agent", "s001-a2", "--json", "refund"});
        QVERIFY2(contractor.exitCode == 0, qPrintable(contractor.err));
    }
};

QTEST_GUILESS_MAIN(TestRagctlIngest)
#include "test_ragctl_ingest.moc"
