// ragctl eval end to end: the table it prints, the run log it writes (file and eval_runs), the
// baseline check's exit code, and --compare by file or by id from the database.

#include "retrieval/retrieval_types.h"
#include "support/ragctl_runner.h"
#include "support/test_database.h"

#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <QtTest>

using namespace ac;

namespace {

using Outcome = test::RagctlRun;

Outcome ragctl(const QStringList& args)
{
    return test::runRagctl(QStringLiteral("eval"), args);
}

QString loggedRunId(const Outcome& outcome)
{
    static const QRegularExpression logged(QStringLiteral("logged run (\\S+)"));
    return logged.match(outcome.err).captured(1);
}

QString acmeFolder()
{
    return QDir(qEnvironmentVariable("AGENT_CONSOLE_SOURCE_DIR", QStringLiteral(QT_TESTCASE_SOURCEDIR "/..")))
        .filePath(QStringLiteral("fixtures/eval/acme"));
}

} // namespace

class TestRagctlEval : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("AGENT_CONSOLE_RAGCTL").isEmpty())
            QSKIP("AGENT_CONSOLE_RAGCTL is set by CTest");
        QVERIFY(runs_.isValid());
    }

    void evaluatesLogsAndCompares()
    {
        const QStringList common{QStringLiteral("--out"), runs_.path(), QStringLiteral("--queries"), QStringLiteral("12"),
                                 QStringLiteral("--modes"), QStringLiteral("lexical,hybrid")};
        const QString perQuery = QDir(runs_.path()).filePath(QStringLiteral("per-query.jsonl"));
        const Outcome a = ragctl(common + QStringList{QStringLiteral("--per-query"), perQuery, acmeFolder()});
        QVERIFY2(a.exitCode == 0, qPrintable(a.err));
        QFile lines(perQuery);
        QVERIFY(lines.open(QIODevice::ReadOnly));
        QCOMPARE(lines.readAll().count('\n'), qsizetype(12 * 3));  // bm25, lexical, hybrid
        QVERIFY2(a.out.contains(QRegularExpression(QStringLiteral("\\nbm25 +0\\.\\d{4}"))), qPrintable(a.out));
        QVERIFY(a.out.contains(QRegularExpression(QStringLiteral("\\nhybrid +0\\.\\d{4}"))));
        QVERIFY(a.out.contains(QLatin1String("12 queries")));
        const QString idA = loggedRunId(a);
        QVERIFY2(QFileInfo::exists(QDir(runs_.path()).filePath(idA + QStringLiteral(".json"))), qPrintable(a.err));

        const Outcome b = ragctl(common + QStringList{QStringLiteral("--ef-search"), QStringLiteral("40"), acmeFolder()});
        QVERIFY2(b.exitCode == 0, qPrintable(b.err));
        const QString idB = loggedRunId(b);

        const Outcome diff = ragctl({QStringLiteral("--out"), runs_.path(), QStringLiteral("--compare"), idA, idB});
        QVERIFY2(diff.exitCode == 0, qPrintable(diff.err));
        const QString efChange = QStringLiteral("search.ef_search: %1 -> 40").arg(ac::retrieval::RetrievalOptions{}.efSearch);
        QVERIFY2(diff.out.contains(efChange), qPrintable(diff.out));
        QVERIFY(diff.out.contains(QRegularExpression(QStringLiteral("hybrid +ndcg@10 +0\\.\\d{4} +0\\.\\d{4} +[+-]0\\.\\d{4}"))));

        // Without the JSON files the runs still come back from eval_runs.
        QVERIFY(QFile::remove(QDir(runs_.path()).filePath(idA + QStringLiteral(".json"))));
        const Outcome fromTable = ragctl({QStringLiteral("--out"), runs_.path(), QStringLiteral("--compare"), idA, idB});
        QVERIFY2(fromTable.exitCode == 0, qPrintable(fromTable.err));
        QCOMPARE(fromTable.out, diff.out);
    }

    void aRunBelowTheBaselineExitsOne()
    {
        // Two modes on a subset cannot meet a baseline that gates four modes on the full set.
        const Outcome outcome = ragctl({QStringLiteral("--no-log"), QStringLiteral("--queries"), QStringLiteral("5"),
                                        QStringLiteral("--modes"), QStringLiteral("hybrid"), QStringLiteral("--check-baseline"),
                                        QDir(acmeFolder()).filePath(QStringLiteral("baseline.json")), acmeFolder()});
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(outcome.err.contains(QLatin1String("regression: vector recall@10: not measured")), qPrintable(outcome.err));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no_folder") << QStringList{};
        QTest::newRow("unknown_mode") << QStringList{QStringLiteral("--modes"), QStringLiteral("vector,telepathy"), acmeFolder()};
        QTest::newRow("compare_needs_two") << QStringList{QStringLiteral("--compare"), QStringLiteral("only-one")};
        QTest::newRow("bad_bm25_b") << QStringList{QStringLiteral("--bm25-b"), QStringLiteral("1.5"), acmeFolder()};
    }
    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        const Outcome outcome = ragctl(args);
        QVERIFY2(outcome.exitCode == 2, qPrintable(outcome.err));
    }

    void aMissingDatasetNamesTheFile()
    {
        const Outcome outcome = ragctl({QStringLiteral("/nonexistent/beir")});
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY(outcome.err.contains(QLatin1String("corpus.jsonl")));
    }

    // `ragctl embed`, the query vectors for bench/graph_recall.sql: one numbered pgvector literal
    // per text, the same for the same queries; nothing (and exit 2) for a request it cannot serve.
    void embedPrintsOneVectorPerText()
    {
        const auto embed = [](const QStringList& args) { return test::runRagctlWithoutDatabase(QStringLiteral("embed"), args); };
        const Outcome queries = embed({QStringLiteral("--provider"), QStringLiteral("hash"), QStringLiteral("--bench-queries"), QStringLiteral("3")});
        QCOMPARE(queries.exitCode, 0);
        const QStringList lines = queries.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        for (int i = 0; i < lines.size(); ++i) {
            const QStringList fields = lines[i].split(QLatin1Char('\t'));
            QCOMPARE(fields.value(0), QString::number(i));
            QVERIFY(fields.value(1).startsWith(QLatin1Char('[')) && fields.value(1).endsWith(QLatin1Char(']')));
            QCOMPARE(fields.value(1).count(QLatin1Char(',')), 1535);
        }
        QCOMPARE(embed({QStringLiteral("--provider"), QStringLiteral("hash"), QStringLiteral("--bench-queries"), QStringLiteral("3")}).out,
                 queries.out);
        QCOMPARE(embed({QStringLiteral("--provider"), QStringLiteral("hash"), QStringLiteral("where is my refund")}).out.count(QLatin1Char('\n')), 1);
        for (const QStringList& bad : {QStringList{}, QStringList{QStringLiteral("--bench-queries"), QStringLiteral("0")},
                                       QStringList{QStringLiteral("--bench-queries"), QStringLiteral("2"), QStringLiteral("text")}}) {
            const Outcome refused = embed(bad);
            QVERIFY2(refused.exitCode == 2, qPrintable(bad.join(' ') + ": " + refused.err));
            QVERIFY(refused.out.isEmpty());
        }
    }

private:
    QTemporaryDir runs_;
};

QTEST_GUILESS_MAIN(TestRagctlEval)
#include "test_ragctl_eval.moc"
