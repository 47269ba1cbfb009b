// The console reading from a streaming replica: Alice's answer comes from the replica (same
// sources as on the primary), the developer pane says so with the lag, and the audit row lands on
// the primary.

#include "console_window.h"
#include "db/embedded_replica.h"
#include "developer_pane.h"
#include "gui_test_support.h"
#include "message_editor.h"
#include "results_view.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTest>

using namespace ac;

namespace {
constexpr int kTimeoutMs = 30000;
}

class TestConsoleReplica : public QObject {
    Q_OBJECT

    std::unique_ptr<db::EmbeddedReplica> replica_;

private slots:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("agent-console-tests"));
        test::TestDatabase& db = test::TestDatabase::instance();
        if (!db.cluster())
            QSKIP("the replica is made of the embedded cluster only");
        db.seedFixtures();
        replica_ = std::make_unique<db::EmbeddedReplica>(*db.cluster(), 5434);
        replica_->start();
    }

    void cleanupTestCase()
    {
        if (replica_)
            replica_->stop();
    }

    void answersComeFromTheReplicaAndAuditThePrimary()
    {
        ui::DatabaseInfo info = test::seededDatabase();
        info.replicaConninfo = replica_->conninfo();
        db::PgConnection owner = test::TestDatabase::instance().connect();
        {
            db::PgConnection follower = db::PgConnection::open(replica_->conninfo());
            QVERIFY(db::waitForReplay(follower, db::currentWalLsn(owner), kTimeoutMs));
        }
        const qint64 audited = owner.exec("SELECT count(*) FROM retrieval_audit WHERE agent_id = 'u1'").integer(0, 0);

        ui::ConsoleWindow window;
        window.setAutoLogin(QStringLiteral("u1"), {}, true);
        QSignalSpy loggedIn(&window, &ui::ConsoleWindow::loggedIn);
        window.setDatabase(info);
        window.show();
        QVERIFY(loggedIn.wait(kTimeoutMs) || !loggedIn.isEmpty());

        QSignalSpy shown(&window, &ui::ConsoleWindow::answerShown);
        window.messageEditor()->setPlainText(test::kSeedMessage);
        window.messageEditor()->setFocus();
        QTest::keyClick(window.messageEditor(), Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(shown.wait(kTimeoutMs) || !shown.isEmpty());

        QStringList citations;
        for (const auto& c : window.resultsView()->chunks())
            citations << c.citation;
        QVERIFY2(citations.contains(QStringLiteral("[Refund Policy §2]")), qPrintable(citations.join(QLatin1Char(' '))));
        const QStringList readFrom = window.developerPane()->settings().filter(QStringLiteral("read from = replica"));
        QVERIFY2(readFrom.size() == 1, qPrintable(window.developerPane()->settings().join(QLatin1Char('\n'))));
        QVERIFY(readFrom.front().contains(QStringLiteral("bytes of WAL behind")));
        QCOMPARE(owner.exec("SELECT count(*) FROM retrieval_audit WHERE agent_id = 'u1'").integer(0, 0), audited + 1);
    }
};

QTEST_MAIN(TestConsoleReplica)
#include "test_console_replica.moc"
