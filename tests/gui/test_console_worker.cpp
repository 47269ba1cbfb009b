// The worker thread contract: the GUI thread never waits for the database, a running statement
// is cancelled with PQcancel, answers to superseded requests are dropped, and failures carry
// their SQLSTATE.

#include "console_client.h"
#include "console_window.h"
#include "message_editor.h"
#include "gui_test_support.h"
#include "db/db_error.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QStatusBar>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace ac;

namespace {

constexpr int kTimeoutMs = 30000;

// Runs the real context retrieval after sleeping on the server, so a test controls how long a
// question takes; the sleep is an ordinary statement and so cancellable like any other.
class SleepingBackend : public ui::ConsoleBackend {
public:
    explicit SleepingBackend(double seconds) : seconds_(seconds), core_(ui::makeCoreBackend()) {}
    ui::AskAnswer ask(db::PgConnection& conn, const retrieval::AgentIdentity& agent, const QString& message,
                      const retrieval::RetrievalOptions& options) override
    {
        const double seconds = message.startsWith(QLatin1String("slow:")) ? seconds_ : 0.0;
        conn.exec("SELECT pg_sleep($1)", db::PgParams().add(seconds));
        return core_->ask(conn, agent, message, options);
    }

private:
    double seconds_;
    std::unique_ptr<ui::ConsoleBackend> core_;
};

ui::AgentAccount demoAccount(ui::ConsoleClient& client, const QString& agentId)
{
    QSignalSpy listed(&client, &ui::ConsoleClient::agentsListed);
    client.listAgents();
    if (!listed.wait(kTimeoutMs) && listed.isEmpty())
        return {};
    for (const ui::AgentAccount& a : listed.first().at(1).value<ui::AgentAccounts>())
        if (a.agentId == agentId)
            return a;
    return {};
}

bool logIn(ui::ConsoleClient& client, const QString& agentId)
{
    const ui::AgentAccount account = demoAccount(client, agentId);
    if (account.agentId.isEmpty())
        return false;
    QSignalSpy in(&client, &ui::ConsoleClient::loggedIn);
    client.login(account, account.demoPassword);
    return in.wait(kTimeoutMs) || !in.isEmpty();
}

// Measures the longest gap between ticks of a GUI-thread timer while the test waits.
class GuiHeartbeat {
public:
    GuiHeartbeat()
    {
        clock_.start();
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            const qint64 now = clock_.elapsed();
            longestGapMs_ = std::max(longestGapMs_, now - last_);
            last_ = now;
        });
        timer_.start(10);
    }
    qint64 longestGapMs() const { return longestGapMs_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = 0;
    qint64 longestGapMs_ = 0;
};

ui::BackendFactory sleeping(double seconds)
{
    return [seconds] { return std::make_unique<SleepingBackend>(seconds); };
}

} // namespace

class TestConsoleWorker : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cancelStopsARunningQueryWithoutBlockingTheGui();
    void supersededAnswersAreDropped();
    void failuresCarryTheirSqlstate_data();
    void failuresCarryTheirSqlstate();
    void stopButtonCancelsFromTheWindow();
    void retrievalLegsRunOnTwoSessions();
    void lostConnectionIsReportedAndRecovered();
    void closingWhileAQueryRunsDoesNotHang();
};

void TestConsoleWorker::initTestCase()
{
    QApplication::setOrganizationName(QStringLiteral("agent-console-tests"));
    QApplication::setApplicationName(QStringLiteral("test_console_worker"));
    test::seededDatabase();
}

void TestConsoleWorker::cancelStopsARunningQueryWithoutBlockingTheGui()
{
    ui::ConsoleClient client(test::seededDatabase(), sleeping(30.0));
    QVERIFY(logIn(client, QStringLiteral("u1")));

    GuiHeartbeat heartbeat;
    QSignalSpy failed(&client, &ui::ConsoleClient::failed);
    QSignalSpy answered(&client, &ui::ConsoleClient::answered);
    QElapsedTimer clock;
    clock.start();
    const quint64 token = client.ask(QStringLiteral("slow: ") + test::kSeedMessage, {});
    QTRY_COMPARE_WITH_TIMEOUT(client.runningToken(), token, 5000);
    QTest::qWait(300);  // the GUI thread keeps running while the server sleeps
    QElapsedTimer cancelClock;
    cancelClock.start();
    QVERIFY(client.cancel());
    QVERIFY(failed.wait(5000) || !failed.isEmpty());
    QVERIFY2(clock.elapsed() < 5000, "the cancel did not interrupt pg_sleep(30)");
    qInfo("cancel to failure signal: %lld ms; longest GUI-thread gap while the query ran: %lld ms",
          cancelClock.elapsed(), heartbeat.longestGapMs());
    QCOMPARE(failed.first().at(0).value<quint64>(), token);
    const auto failure = failed.first().at(1).value<ui::WorkerFailure>();
    QVERIFY(failure.canceled);
    QCOMPARE(failure.sqlstate, QString::fromLatin1(db::sqlstate::kQueryCanceled));
    QVERIFY(answered.isEmpty());
    QVERIFY2(heartbeat.longestGapMs() < 250, qPrintable(QString::number(heartbeat.longestGapMs())));

    // The connection is still good after a cancel.
    const quint64 next = client.ask(test::kSeedMessage, {});
    QVERIFY(answered.wait(kTimeoutMs) || !answered.isEmpty());
    QCOMPARE(answered.first().at(0).value<quint64>(), next);
}

void TestConsoleWorker::supersededAnswersAreDropped()
{
    ui::ConsoleClient client(test::seededDatabase(), sleeping(30.0));
    QVERIFY(logIn(client, QStringLiteral("u1")));
    QSignalSpy answered(&client, &ui::ConsoleClient::answered);
    QSignalSpy failed(&client, &ui::ConsoleClient::failed);
    QSignalSpy dropped(&client, &ui::ConsoleClient::staleAnswerDropped);
    QElapsedTimer clock;
    clock.start();
    const quint64 first = client.ask(QStringLiteral("slow: ") + test::kSeedMessage, {});
    QTRY_COMPARE_WITH_TIMEOUT(client.runningToken(), first, 5000);
    const quint64 second = client.ask(QStringLiteral("slow: where is my refund?"), {});
    const quint64 third = client.ask(test::kPasswordMessage, {});
    QVERIFY(second > first && third > second);
    QVERIFY(answered.wait(kTimeoutMs) || !answered.isEmpty());
    QTest::qWait(200);
    QCOMPARE(answered.size(), 1);
    QCOMPARE(answered.first().at(0).value<quint64>(), third);
    QCOMPARE(answered.first().at(1).value<ui::AskAnswerPtr>()->message, test::kPasswordMessage);
    QVERIFY(!dropped.isEmpty());
    QCOMPARE(dropped.first().at(0).value<quint64>(), first);  // cancelled and dropped; second never ran
    QVERIFY2(clock.elapsed() < 10000, "the superseded pg_sleep(30) was not cancelled");
    QVERIFY(failed.isEmpty());
}

void TestConsoleWorker::failuresCarryTheirSqlstate_data()
{
    QTest::addColumn<QString>("sourceType");
    QTest::addColumn<QString>("sourceId");
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("sqlstate");
    QTest::newRow("bob reads d9") << QStringLiteral("document") << QStringLiteral("d9") << QStringLiteral("u3") << QStringLiteral("42501");
    QTest::newRow("bob reads t3") << QStringLiteral("ticket") << QStringLiteral("t3") << QStringLiteral("u3") << QStringLiteral("42501");
    QTest::newRow("alice reads m02's doc") << QStringLiteral("document") << QStringLiteral("g1") << QStringLiteral("u1") << QStringLiteral("42501");
    QTest::newRow("alice reads t3") << QStringLiteral("ticket") << QStringLiteral("t3") << QStringLiteral("u1") << QString();
}

void TestConsoleWorker::failuresCarryTheirSqlstate()
{
    QFETCH(QString, sourceType);
    QFETCH(QString, sourceId);
    QFETCH(QString, agent);
    QFETCH(QString, sqlstate);
    ui::ConsoleClient client(test::seededDatabase(), ui::makeCoreBackend);
    QVERIFY(logIn(client, agent));
    QSignalSpy loaded(&client, &ui::ConsoleClient::sourceLoaded);
    QSignalSpy failed(&client, &ui::ConsoleClient::failed);
    client.loadSource(sourceType, sourceId);
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() || !failed.isEmpty(), kTimeoutMs);
    if (sqlstate.isEmpty()) {
        QVERIFY(failed.isEmpty());
        QCOMPARE(loaded.first().at(1).value<ui::SourceDocument>().sourceId, sourceId);
    } else {
        QVERIFY(loaded.isEmpty());
        QCOMPARE(failed.first().at(1).value<ui::WorkerFailure>().sqlstate, sqlstate);
    }
}

void TestConsoleWorker::stopButtonCancelsFromTheWindow()
{
    ui::ConsoleWindow window(sleeping(30.0));
    window.setAutoLogin(QStringLiteral("u1"), {}, true);
    QSignalSpy in(&window, &ui::ConsoleWindow::loggedIn);
    window.setDatabase(test::seededDatabase());
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(in.wait(kTimeoutMs) || !in.isEmpty());
    GuiHeartbeat heartbeat;
    QSignalSpy failed(&window, &ui::ConsoleWindow::askFailed);
    window.ask(QStringLiteral("slow: ") + test::kSeedMessage);
    QTRY_VERIFY_WITH_TIMEOUT(window.client()->runningToken() == window.client()->latestAskToken(), 5000);
    window.messageEditor()->setFocus();
    QTest::keyClick(window.messageEditor(), Qt::Key_Escape);  // the agent is typing when they stop it
    QVERIFY2(failed.wait(5000) || !failed.isEmpty(), qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(failed.first().first().value<ui::WorkerFailure>().canceled);
    QVERIFY2(heartbeat.longestGapMs() < 250, qPrintable(QString::number(heartbeat.longestGapMs())));
    QVERIFY(!window.isConnectionBannerVisible());
}

// The worker opens a second session of the agent at login; retrieval's lexical leg runs on it.
void TestConsoleWorker::retrievalLegsRunOnTwoSessions()
{
    ui::ConsoleClient client(test::seededDatabase(), ui::makeCoreBackend);
    QVERIFY(logIn(client, QStringLiteral("u3")));
    db::PgConnection owner = test::TestDatabase::instance().connect();
    QCOMPARE(owner.exec("SELECT count(*) FROM pg_stat_activity WHERE usename = 'agent_u3'").integer(0, 0), qint64(2));
    QSignalSpy answered(&client, &ui::ConsoleClient::answered);
    client.ask(test::kSeedMessage, {});
    QVERIFY(answered.wait(kTimeoutMs) || !answered.isEmpty());
    const ui::AskAnswerPtr answer = answered.first().at(1).value<ui::AskAnswerPtr>();
    QVERIFY(!answer->pack.chunks.empty());
    QCOMPARE(answer->pack.retrieval.notes.filter(QStringLiteral("second session")).size(), qsizetype(1));
}

void TestConsoleWorker::lostConnectionIsReportedAndRecovered()
{
    ui::ConsoleWindow window;
    window.setAutoLogin(QStringLiteral("u1"), {}, true);
    QSignalSpy in(&window, &ui::ConsoleWindow::loggedIn);
    window.setDatabase(test::seededDatabase());
    QVERIFY(in.wait(kTimeoutMs) || !in.isEmpty());

    // The owner ends the agent's backend, as a server restart or a dropped network would.
    db::PgConnection owner = test::TestDatabase::instance().connect();
    const db::PgResult killed = owner.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'agent_u1' AND pid <> pg_backend_pid()");
    QVERIFY(killed.rows() >= 1);

    QSignalSpy lost(window.client(), &ui::ConsoleClient::connectionLost);
    QSignalSpy back(window.client(), &ui::ConsoleClient::reconnected);
    QSignalSpy failed(window.client(), &ui::ConsoleClient::failed);
    window.ask(test::kSeedMessage);
    QVERIFY(lost.wait(kTimeoutMs) || !lost.isEmpty());
    QVERIFY(window.isConnectionBannerVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), kTimeoutMs);
    QVERIFY(failed.first().at(1).value<ui::WorkerFailure>().connectionLost);
    QTRY_VERIFY_WITH_TIMEOUT(!back.isEmpty(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isConnectionBannerVisible(), kTimeoutMs);

    QSignalSpy shown(&window, &ui::ConsoleWindow::answerShown);
    window.ask(test::kSeedMessage);
    QVERIFY(shown.wait(kTimeoutMs) || !shown.isEmpty());
}

void TestConsoleWorker::closingWhileAQueryRunsDoesNotHang()
{
    QElapsedTimer clock;
    {
        ui::ConsoleClient client(test::seededDatabase(), sleeping(30.0));
        QVERIFY(logIn(client, QStringLiteral("u1")));
        const quint64 token = client.ask(QStringLiteral("slow: ") + test::kSeedMessage, {});
        QTRY_COMPARE_WITH_TIMEOUT(client.runningToken(), token, 5000);
        clock.start();
    }  // cancel, quit(), wait()
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
}

QTEST_MAIN(TestConsoleWorker)
#include "test_console_worker.moc"
