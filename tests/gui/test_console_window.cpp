// The console against the seeded fixtures: what Alice and Bob each see in every panel, the
// comparison, the developer pane, and the context pack.

#include "about_dialog.h"
#include "compare_view.h"
#include "console_client.h"
#include "console_window.h"
#include "developer_pane.h"
#include "draft_pane.h"
#include "gui_test_support.h"
#include "message_editor.h"
#include "order_panel.h"
#include "plan_tree_view.h"
#include "results_view.h"
#include "score_table.h"
#include "source_viewer.h"
#include "ticket_history_view.h"
#include "timing_view.h"

#include <QApplication>
#include <QClipboard>
#include <QPushButton>
#include <QSettings>
#include <QListWidget>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSplitter>
#include <QStatusBar>
#include <QTest>

#include <csignal>

using namespace ac;

namespace {

constexpr int kTimeoutMs = 30000;

const QRegularExpression kBobMustNotSee(QStringLiteral("\\b(d9|t3)\\b|Account & Password Help|Account &amp; Password Help"));

std::unique_ptr<ui::ConsoleWindow> loggedInWindow(const QString& agentId)
{
    auto window = std::make_unique<ui::ConsoleWindow>();
    window->setAutoLogin(agentId, {}, true);
    QSignalSpy loggedIn(window.get(), &ui::ConsoleWindow::loggedIn);
    QSignalSpy failed(window.get(), &ui::ConsoleWindow::loginFailed);
    window->setDatabase(test::seededDatabase());
    window->show();
    if (!loggedIn.wait(kTimeoutMs) && loggedIn.isEmpty()) {
        qWarning() << "login failed:" << failed;
        return nullptr;
    }
    return window;
}

bool askAndWait(ui::ConsoleWindow& window, const QString& message)
{
    QSignalSpy shown(&window, &ui::ConsoleWindow::answerShown);
    QSignalSpy failed(&window, &ui::ConsoleWindow::askFailed);
    window.messageEditor()->setPlainText(message);
    window.messageEditor()->setFocus();
    QTest::keyClick(window.messageEditor(), Qt::Key_Return, Qt::ControlModifier);
    if (!shown.wait(kTimeoutMs) && shown.isEmpty()) {
        if (!failed.isEmpty())
            qWarning() << "ask failed:" << failed.first().first().value<ui::WorkerFailure>().message;
        return false;
    }
    return true;
}

QStringList sourceIds(const ui::ResultsView* results)
{
    QStringList ids;
    for (const auto& c : results->chunks())
        ids << c.sourceId;
    return ids;
}

} // namespace

class TestConsoleWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void titleAndStatusNameTheAgent_data();
    void titleAndStatusNameTheAgent();
    void aliceSeesTheSeedContext();
    void bobSeesNothingRestricted_data();
    void bobSeesNothingRestricted();
    void developerPaneShowsThePlan();
    void planNamesTheVectorPathsIndex_data();
    void planNamesTheVectorPathsIndex();
    void developerPaneShowsGraphRecallAndDrift();
    void aboutNamesTheVersions();
    void windowStateIsKept();
    void selectingAChunkShowsItsSource();
    void contextPackIsCopied();
    void contractorsSeeTheScopeNote();
    void staleResultsAreClearedOnANewQuestion();
    void draftPaneShowsACheckedReply_data();
    void draftPaneShowsACheckedReply();
    void compareShowsWhatOnlyAliceSees();
    void wrongPasswordIsRefused();
    void failedReloginKeepsTheSession();
    void recoversAfterTheEmbeddedServerIsKilled();  // last: it kills the shared test server
};

void TestConsoleWindow::initTestCase()
{
    QApplication::setOrganizationName(QStringLiteral("agent-console-tests"));
    QApplication::setApplicationName(QStringLiteral("test_console_window"));
    test::seededDatabase();
}

void TestConsoleWindow::titleAndStatusNameTheAgent_data()
{
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("name");
    QTest::newRow("alice") << QStringLiteral("u1") << QStringLiteral("Alice");
    QTest::newRow("bob") << QStringLiteral("u3") << QStringLiteral("Bob");
}

void TestConsoleWindow::titleAndStatusNameTheAgent()
{
    QFETCH(QString, agent);
    QFETCH(QString, name);
    auto window = loggedInWindow(agent);
    QVERIFY(window);
    QVERIFY2(window->windowTitle().contains(name), qPrintable(window->windowTitle()));
    QVERIFY(window->windowTitle().contains(QStringLiteral("Acme Co.")));
    QVERIFY(window->windowTitle().contains(QStringLiteral("test cluster")));
    QVERIFY2(window->statusText().contains(name) && window->statusText().contains(QStringLiteral("agent_%1").arg(agent)),
             qPrintable(window->statusText()));
    QCOMPARE(window->session()->identity.agentId, agent);
}

void TestConsoleWindow::aliceSeesTheSeedContext()
{
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    QVERIFY(askAndWait(*window, test::kSeedMessage));

    const QStringList citations = window->resultsView()->citations();
    QVERIFY2(!citations.isEmpty(), "no cited chunks");
    QVERIFY2(citations.filter(QStringLiteral("[Refund Policy")).size() > 0, qPrintable(citations.join(QLatin1Char(' '))));
    QVERIFY2(sourceIds(window->resultsView()).contains(QStringLiteral("t1")), qPrintable(citations.join(QLatin1Char(' '))));

    const QString orders = window->orderPanel()->toPlainText();
    QVERIFY2(orders.contains(QStringLiteral("Order #4821")), qPrintable(orders));
    QVERIFY(orders.contains(QStringLiteral("requested")));
    QVERIFY(orders.contains(QStringLiteral("delivered")));
    QVERIFY(orders.contains(QStringLiteral("Blue widget")));
    QVERIFY(orders.contains(QStringLiteral("Tue 10 Nov 2026")));

    QCOMPARE(window->ticketHistory()->ticketIds(), QStringList{QStringLiteral("t1")});

    // The query's terms are highlighted in the cards.
    const QString firstCard = window->resultsView()->item(0)->data(Qt::UserRole + 100).toString();
    QVERIFY2(firstCard.contains(QStringLiteral("background-color")), qPrintable(firstCard));
}

void TestConsoleWindow::bobSeesNothingRestricted_data()
{
    QTest::addColumn<QString>("message");
    QTest::newRow("seed message") << test::kSeedMessage;
    QTest::newRow("password message") << test::kPasswordMessage;
    QTest::newRow("customer u7's order") << QStringLiteral("Marcus here, order #4790: my password reset link expired again");
}

void TestConsoleWindow::bobSeesNothingRestricted()
{
    QFETCH(QString, message);
    auto window = loggedInWindow(QStringLiteral("u3"));
    QVERIFY(window);
    QVERIFY(askAndWait(*window, message));
    for (const auto& chunk : window->resultsView()->chunks()) {
        QVERIFY2(chunk.acl.contains(QStringLiteral("topic:refund")) || chunk.acl.contains(QStringLiteral("u3")),
                 qPrintable(chunk.citation));
    }
    QVERIFY(!sourceIds(window->resultsView()).contains(QStringLiteral("d9")));
    QVERIFY(!sourceIds(window->resultsView()).contains(QStringLiteral("t3")));
    QVERIFY(!window->ticketHistory()->ticketIds().contains(QStringLiteral("t3")));
    const QStringList leaks = test::textsMatching(window.get(), kBobMustNotSee);
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QStringLiteral("\n---\n"))));
    QVERIFY(!window->contextPackText().contains(QStringLiteral("[Ticket t3]")));
}

void TestConsoleWindow::developerPaneShowsThePlan()
{
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    ui::DeveloperPane* dev = window->developerPane();
    const QStringList indexes = dev->planTree()->indexNames();
    QVERIFY2(!indexes.isEmpty(), "the plan tree names no index");
    for (const QString& index : indexes) {
        QVERIFY2(index.startsWith(QStringLiteral("chunks_")) || index.startsWith(QStringLiteral("chunk_postings")),
                 qPrintable(index));
        QVERIFY2(dev->rawPlanText().contains(index), qPrintable(index));
    }
    QVERIFY(dev->rawPlanJson().contains(QStringLiteral("\"Plan\"")));
    QVERIFY(dev->planTree()->topLevelItemCount() >= 1);
    QVERIFY(dev->planTree()->topLevelItem(0)->text(0).contains(QStringLiteral("leg")));
    QVERIFY(!dev->warnings().isEmpty());  // at least the "no warnings" line
    QVERIFY2(dev->settings().filter(QStringLiteral("hnsw.ef_search")).size() == 1, qPrintable(dev->settings().join(QLatin1Char('\n'))));
    QCOMPARE(dev->scores()->rowCount(), static_cast<int>(window->resultsView()->chunks().size()));
    QVERIFY(dev->timing()->stages().contains(QStringLiteral("context: retrieve")));
    QVERIFY(dev->timing()->stages().contains(QStringLiteral("round trip (worker)")));
}

void TestConsoleWindow::planNamesTheVectorPathsIndex_data()
{
    QTest::addColumn<int>("path");
    QTest::addColumn<bool>("hnsw");
    QTest::newRow("hnsw") << static_cast<int>(retrieval::RetrievalOptions::VectorPath::Hnsw) << true;
    QTest::newRow("exact") << static_cast<int>(retrieval::RetrievalOptions::VectorPath::Exact) << false;
}

void TestConsoleWindow::planNamesTheVectorPathsIndex()
{
    QFETCH(int, path);
    QFETCH(bool, hnsw);
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    window->setVectorPath(static_cast<retrieval::RetrievalOptions::VectorPath>(path));
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    const QStringList indexes = window->developerPane()->planTree()->indexNames();
    // The graph of m01's corpus: a trained model's dimensions (migration 016).
    QCOMPARE(indexes.contains(QStringLiteral("chunks_m_m01_embedding_idx_d384")), hnsw);
    QVERIFY(window->developerPane()->settings().contains(
        QStringLiteral("vector path = %1").arg(hnsw ? QStringLiteral("hnsw") : QStringLiteral("exact"))));
    window->setVectorPath(retrieval::RetrievalOptions::VectorPath::Auto);
}

void TestConsoleWindow::developerPaneShowsGraphRecallAndDrift()
{
    qputenv("AGENT_CONSOLE_RECALL_PROBE_RATE", "1");  // every graph answer is probed
    auto window = loggedInWindow(QStringLiteral("u1"));
    qunsetenv("AGENT_CONSOLE_RECALL_PROBE_RATE");
    QVERIFY(window);
    db::PgConnection owner = test::TestDatabase::instance().connect();
    const auto probes = [&] { return owner.exec("SELECT count(*) FROM recall_probes WHERE agent_id = 'u1'").integer(0, 0); };
    const qint64 before = probes();
    window->setVectorPath(retrieval::RetrievalOptions::VectorPath::Hnsw);
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    QTRY_COMPARE_WITH_TIMEOUT(probes(), before + 1, kTimeoutMs);  // probed after the answer was shown
    QVERIFY(askAndWait(*window, test::kPasswordMessage));
    ui::DeveloperPane* dev = window->developerPane();
    QVERIFY2(!dev->settings().filter(QRegularExpression(QStringLiteral("^graph recall@10, 24 h = \\d\\.\\d{3} over \\d+ probes"))).isEmpty(),
             qPrintable(dev->settings().join(QLatin1Char('\n'))));
    QVERIFY(dev->warnings().filter(QStringLiteral("recall drift")).isEmpty());

    owner.exec("INSERT INTO recall_probes (merchant_id, agent_id, corpus_version, vector_path, ef_search, k, recall) "
               "SELECT 'm01', 'drift-test', 1, 'hnsw', 40, 10, 0.1 FROM generate_series(1, 200)");
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    QCOMPARE(dev->warnings().filter(QStringLiteral("Graph recall drift")).size(), 1);
    owner.exec("DELETE FROM recall_probes WHERE agent_id = 'drift-test'");
    window->setVectorPath(retrieval::RetrievalOptions::VectorPath::Auto);
}

void TestConsoleWindow::aboutNamesTheVersions()
{
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    QSignalSpy versions(window->client(), &ui::ConsoleClient::versionsLoaded);
    window->client()->fetchVersions();
    QVERIFY(versions.wait(kTimeoutMs) || !versions.isEmpty());
    const auto v = versions.last().at(1).value<ui::ServerVersions>();
    QVERIFY2(v.server.startsWith(QStringLiteral("15")) || v.server.at(0).isDigit(), qPrintable(v.server));
    QVERIFY2(v.pgvector.startsWith(QStringLiteral("0.8")) || v.pgvector.at(0).isDigit(), qPrintable(v.pgvector));
    const QString about = ui::aboutText(v);
    for (const QString& part : {v.server, v.pgvector, QString::fromLatin1(qVersion()), v.libpq})
        QVERIFY2(about.contains(part), qPrintable(part));
}

// Pane visibility, splitter sizes and the collapsed developer pane come back as the agent left them,
// at the small window size the console must work in.
void TestConsoleWindow::windowStateIsKept()
{
    auto splitter = [](ui::ConsoleWindow& w) { return w.findChild<QSplitter*>(QStringLiteral("mainSplitter")); };
    QSettings().remove(QStringLiteral("window"));
    QList<int> chosen;
    {
        ui::ConsoleWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(window.developerPane()->height() < window.height() / 3, "the developer pane leaves the results room");
        splitter(window)->setSizes({200, 520, 280});
        chosen = splitter(window)->sizes();
        window.developerPane()->setCollapsed(true);
        window.close();
    }
    {
        ui::ConsoleWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.size(), QSize(1024, 700));
        QCOMPARE(splitter(window)->sizes(), chosen);
        QVERIFY(window.developerPane()->isCollapsed());
        QTRY_VERIFY2(window.developerPane()->height() < 90, qPrintable(QStringLiteral("%1 max %2 min %3").arg(window.developerPane()->height()).arg(window.developerPane()->maximumHeight()).arg(window.developerPane()->minimumSizeHint().height())));
        window.developerPane()->setCollapsed(false);
        QTRY_VERIFY(window.developerPane()->height() > 120);
        window.developerPane()->hide();
        window.close();
    }
    {
        ui::ConsoleWindow window;
        window.show();
        QVERIFY(window.developerPane()->isHidden());
        QVERIFY(!window.developerPane()->isCollapsed());
        window.developerPane()->show();
        window.close();
    }
    ui::ConsoleWindow window;
    window.show();
    QVERIFY(!window.developerPane()->isHidden());
    QVERIFY(!QSettings().allKeys().filter(QStringLiteral("password"), Qt::CaseInsensitive).size());
}

void TestConsoleWindow::selectingAChunkShowsItsSource()
{
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    const auto& chunks = window->resultsView()->chunks();
    const auto document = std::find_if(chunks.begin(), chunks.end(), [](const auto& c) { return c.sourceType == QLatin1String("document"); });
    QVERIFY(document != chunks.end());
    QSignalSpy shown(window.get(), &ui::ConsoleWindow::sourceShown);
    window->selectResult(static_cast<int>(document - chunks.begin()));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && shown.last().first().toString() == document->sourceId, kTimeoutMs);
    QCOMPARE(window->sourceViewer()->sourceId(), document->sourceId);
    QVERIFY(window->sourceViewer()->toHtml().contains(QStringLiteral("fff1a8")));  // the chunk is highlighted
    QVERIFY(window->sourceViewer()->headerText().contains(document->title.toHtmlEscaped()));
    QVERIFY(!window->sourceViewer()->markedText().isEmpty());
    QVERIFY2(!window->sourceViewer()->toPlainText().contains(QStringLiteral("## ")), "the Markdown is rendered");

    // A ticket chunk is marked in the conversation too.
    const auto ticket = std::find_if(chunks.begin(), chunks.end(), [](const auto& c) { return c.sourceType == QLatin1String("ticket"); });
    QVERIFY(ticket != chunks.end());
    shown.clear();
    window->selectResult(static_cast<int>(ticket - chunks.begin()));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && shown.last().first().toString() == ticket->sourceId, kTimeoutMs);
    QVERIFY(window->sourceViewer()->toHtml().contains(QStringLiteral("fff1a8")));
}

// kill -9 of the postmaster the console owns: it starts the server again and the next question is
// answered with no manual step.
void TestConsoleWindow::recoversAfterTheEmbeddedServerIsKilled()
{
    db::EmbeddedCluster* cluster = test::TestDatabase::instance().cluster();
    if (!cluster)
        QSKIP("an external test database: not ours to kill");
    ui::DatabaseInfo database = test::seededDatabase();
    database.restartServer = [cluster] {
        if (!cluster->isRunning())
            cluster->start();
    };
    auto window = std::make_unique<ui::ConsoleWindow>();
    window->setAutoLogin(QStringLiteral("u1"), {}, true);
    QSignalSpy loggedIn(window.get(), &ui::ConsoleWindow::loggedIn);
    window->setDatabase(database);
    window->show();
    QVERIFY(loggedIn.wait(kTimeoutMs) || !loggedIn.isEmpty());
    QVERIFY(askAndWait(*window, test::kSeedMessage));

    QFile pidFile(cluster->dataDir() + QStringLiteral("/postmaster.pid"));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const pid_t pid = static_cast<pid_t>(pidFile.readLine().trimmed().toLongLong());
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid, SIGKILL), 0);

    QSignalSpy reconnected(window->client(), &ui::ConsoleClient::reconnected);
    window->ask(test::kPasswordMessage);  // fails: the connection is gone, reconnecting starts
    QTRY_VERIFY_WITH_TIMEOUT(!reconnected.isEmpty(), 60000);
    QVERIFY(cluster->isRunning());
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    QCOMPARE(window->lastAnswer()->message, test::kSeedMessage);
    QVERIFY(!window->isConnectionBannerVisible());
}

// The answer to the previous message never sits under a new one, answered or not yet.
// Contractors get one fixed note; staff none.
void TestConsoleWindow::contractorsSeeTheScopeNote()
{
    for (const auto& [agent, shown] : {std::pair{QStringLiteral("u1"), false}, std::pair{QStringLiteral("u3"), true}}) {
        auto window = loggedInWindow(agent);
        QVERIFY(window);
        QCOMPARE(window->scopeNote()->isVisible(), shown);
        QVERIFY(!kBobMustNotSee.match(window->scopeNote()->text()).hasMatch());
    }
}

void TestConsoleWindow::staleResultsAreClearedOnANewQuestion()
{
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    QVERIFY(!window->resultsView()->chunks().empty());
    QSignalSpy shown(window.get(), &ui::ConsoleWindow::answerShown);
    window->ask(test::kPasswordMessage);
    QVERIFY(window->resultsView()->chunks().empty());
    QVERIFY(!window->lastAnswer());
    QVERIFY(window->draftPane()->draft().text.isEmpty());
    QVERIFY(shown.wait(kTimeoutMs));
    QCOMPARE(window->lastAnswer()->message, test::kPasswordMessage);
    QVERIFY(!window->resultsView()->chunks().empty());
}

void TestConsoleWindow::draftPaneShowsACheckedReply_data()
{
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("signature");
    QTest::newRow("alice") << "u1" << "Alice";
    QTest::newRow("bob") << "u3" << "Bob";
}

// The suggested reply follows every answer (the offline template here: no LLM endpoint in CI),
// cites only the agent's own pack, opens a citation's source, regenerates and copies.
void TestConsoleWindow::draftPaneShowsACheckedReply()
{
    QFETCH(QString, agent);
    QFETCH(QString, signature);
    auto window = loggedInWindow(agent);
    QVERIFY(window);
    QSignalSpy drafted(window.get(), &ui::ConsoleWindow::draftShown);
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    QTRY_VERIFY_WITH_TIMEOUT(!drafted.isEmpty(), kTimeoutMs);
    ui::DraftPane* pane = window->draftPane();
    const agent::ReplyDraft& draft = pane->draft();
    QCOMPARE(draft.generator, QStringLiteral("template"));
    QVERIFY2(draft.text.contains(QStringLiteral("[Order #4821]")), qPrintable(draft.text));
    QVERIFY2(draft.text.contains(QStringLiteral("[Refund Policy")), qPrintable(draft.text));
    QVERIFY(draft.text.endsWith(signature));
    QVERIFY(draft.removed.isEmpty());
    QVERIFY2(!kBobMustNotSee.match(draft.text).hasMatch() || agent == QLatin1String("u1"), qPrintable(draft.text));
    QVERIFY(pane->statusText().contains(QStringLiteral("Template draft")));
    for (const QString& c : draft.citations) {
        bool inPack = false;
        for (const auto& chunk : window->lastAnswer()->pack.chunks)
            inPack = inPack || chunk.citation == c;
        for (const auto& order : window->lastAnswer()->pack.orders)
            inPack = inPack || order.citation == c;
        QVERIFY2(inPack, qPrintable(c));
    }

    // A citation link opens that chunk's source.
    const QString policy = draft.citations.filter(QStringLiteral("[Refund Policy")).value(0);
    QVERIFY(!policy.isEmpty());
    QSignalSpy shown(window.get(), &ui::ConsoleWindow::sourceShown);
    emit pane->citationActivated(policy);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    QCOMPARE(window->resultsView()->chunks().at(size_t(window->resultsView()->currentRow())).citation, policy);

    QPushButton* regenerate = pane->findChild<QPushButton*>(QStringLiteral("draftRegenerate"));
    QVERIFY(regenerate && regenerate->isEnabled());
    regenerate->click();
    QTRY_VERIFY_WITH_TIMEOUT(drafted.size() >= 2, kTimeoutMs);
    pane->findChild<QPushButton*>(QStringLiteral("draftCopy"))->click();
    QCOMPARE(QApplication::clipboard()->text(), pane->shownText());
}

void TestConsoleWindow::contextPackIsCopied()
{
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    QVERIFY(askAndWait(*window, test::kSeedMessage));
    window->copyContextPack();
    const QString pack = QApplication::clipboard()->text();
    QVERIFY2(pack.contains(QStringLiteral("[Order #4821]")), qPrintable(pack));
    QVERIFY(pack.contains(QStringLiteral("[Ticket t1]")));
    QVERIFY(pack.contains(QStringLiteral("[Refund Policy")));
    QCOMPARE(pack, window->contextPackText());
}

void TestConsoleWindow::compareShowsWhatOnlyAliceSees()
{
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    const auto bob = window->findAgent(QStringLiteral("u3"));
    QVERIFY(bob);
    QSignalSpy compareIn(window.get(), &ui::ConsoleWindow::compareAgentLoggedIn);
    window->loginCompareAgent(*bob, bob->demoPassword);
    QVERIFY(compareIn.wait(kTimeoutMs) || !compareIn.isEmpty());

    QSignalSpy compared(window.get(), &ui::ConsoleWindow::compareShown);
    window->messageEditor()->setPlainText(test::kPasswordMessage);
    window->compare();
    QVERIFY(compared.wait(kTimeoutMs) || !compared.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!window->compareView()->leftItems().isEmpty(), kTimeoutMs);

    const QStringList left = window->compareView()->leftItems();
    const QStringList right = window->compareView()->rightItems();
    QVERIFY2(!left.filter(QRegularExpression(QStringLiteral("Account & Password Help|Ticket t3"))).isEmpty(),
             qPrintable(left.join(QLatin1Char('\n'))));
    QVERIFY2(right.filter(kBobMustNotSee).isEmpty(), qPrintable(right.join(QLatin1Char('\n'))));
    QVERIFY2(right.filter(QStringLiteral("Order #4821")).size() == 1, qPrintable(right.join(QLatin1Char('\n'))));
    const QString summary = window->compareView()->summary();
    QVERIFY2(summary.contains(QStringLiteral("Alice sees")) && summary.contains(QStringLiteral("that Bob may not read: [Ticket t3]")),
             qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("Bob sees nothing that Alice may not read")), qPrintable(summary));

    // Cards wrap to their column: none is wider than the column, at the console's smallest size.
    window->resize(1024, 700);
    for (const char* name : {"compareLeft", "compareRight"}) {
        auto* list = window->findChild<QListWidget*>(QString::fromLatin1(name));
        QVERIFY(list);
        QTRY_VERIFY(list->count() > 0);
        for (int i = 0; i < list->count(); ++i)
            QVERIFY2(list->visualItemRect(list->item(i)).width() <= list->viewport()->width(), name);
        QVERIFY(!list->horizontalScrollBar()->isVisible());
    }
}

void TestConsoleWindow::wrongPasswordIsRefused()
{
    ui::ConsoleWindow window;
    QSignalSpy agents(&window, &ui::ConsoleWindow::agentsLoaded);
    window.setDatabase(test::seededDatabase());
    QVERIFY(agents.wait(kTimeoutMs) || !agents.isEmpty());
    const auto alice = window.findAgent(QStringLiteral("u1"));
    QVERIFY(alice);
    QSignalSpy failed(&window, &ui::ConsoleWindow::loginFailed);
    window.login(*alice, QStringLiteral("not-her-password"));
    QVERIFY(failed.wait(kTimeoutMs) || !failed.isEmpty());
    QVERIFY(!window.session());
    QVERIFY(window.windowTitle().contains(QStringLiteral("not logged in")));
}

void TestConsoleWindow::failedReloginKeepsTheSession()
{
    auto window = loggedInWindow(QStringLiteral("u1"));
    QVERIFY(window);
    const auto bob = window->findAgent(QStringLiteral("u3"));
    QVERIFY(bob);
    QSignalSpy failed(window.get(), &ui::ConsoleWindow::loginFailed);
    window->login(*bob, QStringLiteral("wrong"));
    QVERIFY(failed.wait(kTimeoutMs) || !failed.isEmpty());
    QCOMPARE(window->session()->identity.agentId, QStringLiteral("u1"));
    QVERIFY(window->windowTitle().contains(QStringLiteral("Alice")));
    QVERIFY(askAndWait(*window, test::kPasswordMessage));  // still Alice's connection
    QVERIFY(window->resultsView()->chunks().size() > 0);
}

QTEST_MAIN(TestConsoleWindow)
#include "test_console_window.moc"
