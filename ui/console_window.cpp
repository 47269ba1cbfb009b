#include "console_window.h"

#include "compare_view.h"
#include "console_client.h"
#include "context_pack_dialog.h"
#include "developer_pane.h"
#include "draft_pane.h"
#include "error_text.h"
#include "login_dialog.h"
#include "message_editor.h"
#include "order_panel.h"
#include "results_view.h"
#include "source_viewer.h"
#include "ticket_history_view.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QJsonDocument>
#include <QMessageBox>
#include <QLabel>
#include <QProgressBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>

namespace ac::ui {

namespace {

QString failureText(const WorkerFailure& f)
{
    const QString line = shortErrorText(f.message);
    return f.sqlstate.isEmpty() ? line : QStringLiteral("%1 (SQLSTATE %2)").arg(line, f.sqlstate);
}

} // namespace

ConsoleWindow::ConsoleWindow(BackendFactory backend, QWidget* parent)
    : QMainWindow(parent), backendFactory_(std::move(backend)), editor_(new MessageEditor(this)),
      results_(new ResultsView(this)), source_(new SourceViewer(this)), orders_(new OrderPanel(this)),
      tickets_(new TicketHistoryView(this)), compare_(new CompareView(this)), developer_(new DeveloperPane(this)),
      draft_(new DraftPane(this)), resultsSplitter_(new QSplitter(Qt::Vertical, this)),
      centreTabs_(new QTabWidget(this)), mainSplitter_(new QSplitter(Qt::Horizontal, this)),
      leftSplitter_(new QSplitter(Qt::Vertical, this)), banner_(new QLabel(this)), scopeNote_(new QLabel(this)),
      identityLabel_(new QLabel(this)),
      databaseLabel_(new QLabel(this)), connectionLabel_(new QLabel(this)), busyBar_(new QProgressBar(this)),
      kBox_(new QSpinBox(this)), pathBox_(new QComboBox(this)), rerankBox_(new QCheckBox(tr("&Rerank"), this))
{
    setObjectName(QStringLiteral("consoleWindow"));
    registerConsoleMetaTypes();
    buildActions();
    buildLayout();
    connectPanels();
    updateIdentity();
    restoreState();
    showProgress(tr("Preparing the database…"));
}

ConsoleWindow::~ConsoleWindow() = default;

void ConsoleWindow::connectPanels()
{
    connect(editor_, &MessageEditor::submitted, this, &ConsoleWindow::ask);
    connect(draft_, &DraftPane::citationActivated, this, &ConsoleWindow::showCitation);
    connect(draft_, &DraftPane::regenerateRequested, this, &ConsoleWindow::startDraft);
    connect(draft_, &DraftPane::stopRequested, this, [this] {
        if (client_)
            client_->stopDraft();
    });
    connect(results_, &ResultsView::chunkSelected, this, [this](const retrieval::RetrievedChunk& chunk) {
        if (!client_)
            return;
        selectedChunk_ = chunk;
        source_->showLoading(chunk);
        sourceToken_ = client_->loadSource(chunk.sourceType, chunk.sourceId);
    });
    connect(tickets_, &TicketHistoryView::ticketActivated, this, [this](const QString& ticketId) {
        if (!client_)
            return;
        selectedChunk_.reset();
        sourceToken_ = client_->loadSource(QStringLiteral("ticket"), ticketId);
    });
    connect(compare_, &CompareView::chooseAgentRequested, this, [this] { openLoginDialog(true); });
    connect(compare_, &CompareView::compareRequested, this, &ConsoleWindow::compare);
}

void ConsoleWindow::setDatabase(const DatabaseInfo& database)
{
    database_ = database;
    delete client_;
    client_ = new ConsoleClient(database, backendFactory_, this);
    connectClient();
    client_->listAgents();
    updateIdentity();
}

void ConsoleWindow::setAutoLogin(const QString& agentId, const QString& password, bool useDemoPassword)
{
    autoLoginAgent_ = agentId;
    autoLoginPassword_ = password;
    autoLoginDemoPassword_ = useDemoPassword;
}

std::optional<AgentAccount> ConsoleWindow::findAgent(const QString& agentId) const
{
    for (const AgentAccount& a : agents_)
        if (a.agentId == agentId || a.displayName.compare(agentId, Qt::CaseInsensitive) == 0)
            return a;
    return std::nullopt;
}

void ConsoleWindow::connectClient()
{
    connect(client_, &ConsoleClient::agentsListed, this, [this](quint64, const AgentAccounts& agents) {
        agents_ = agents;
        emit agentsLoaded();
        if (loginDialog_)
            loginDialog_->setAgents(agents_, database_->embedded);
        if (!autoLoginAgent_.isEmpty()) {
            const auto account = findAgent(autoLoginAgent_);
            if (account) {
                login(*account, autoLoginDemoPassword_ ? account->demoPassword : autoLoginPassword_);
                return;
            }
            statusBar()->showMessage(tr("No agent %1 in this database").arg(autoLoginAgent_));
        }
        openLoginDialog(false);
    });
    connect(client_, &ConsoleClient::loggedIn, this, [this](quint64, const AgentSession& session) {
        session_ = session;
        autoLoginPassword_.clear();
        QSettings().setValue(QStringLiteral("login/lastAgent"), session.account.agentId);
        if (loginDialog_)
            loginDialog_->accept();
        compare_->setLeftAgent(session.account.displayName);
        if (compareSession_ && compareSession_->account.agentId == session.account.agentId) {
            compareSession_.reset();
            compare_->setRightAgent({});
        }
        results_->clearResults();
        orders_->clearOrders(tr("Orders named in the message appear here."));
        tickets_->clear();
        source_->showMessage(tr("Select a cited chunk to read its whole source here."));
        developer_->clearAnswer();
        lastAnswer_.reset();
        packAction_->setEnabled(false);
        updateIdentity();
        client_->fetchVersions();
        statusBar()->showMessage(tr("Logged in as %1").arg(session.account.label()), 5000);
        editor_->setFocus();
        emit loggedIn(session);
    });
    connect(client_, &ConsoleClient::versionsLoaded, this, [this](quint64, const ServerVersions& v) {
        versions_ = v;
        updateIdentity();
    });
    connect(client_, &ConsoleClient::answered, this, [this](quint64, const AskAnswerPtr& answer) { showAnswer(answer); });
    connect(client_, &ConsoleClient::sourceLoaded, this, [this](quint64 token, const SourceDocument& doc) {
        if (token != sourceToken_)
            return;
        source_->showSource(doc, selectedChunk_ ? selectedChunk_->text : QString());
        emit sourceShown(doc.sourceId);
    });
    connect(client_, &ConsoleClient::failed, this, [this](quint64 token, const WorkerFailure& failure) {
        if (failure.operation == QLatin1String("login")) {
            if (!loginDialog_)
                openLoginDialog(false);
            if (loginDialog_)
                loginDialog_->setError(failureText(failure));
            emit loginFailed(failure.message);
            return;
        }
        if (failure.operation == QLatin1String("draft")) {
            draft_->showError(failureText(failure));
            return;
        }
        if (failure.operation == QLatin1String("source")) {
            if (token == sourceToken_)
                source_->showMessage(failureText(failure));
            return;
        }
        showFailure(failure);
    });
    connect(client_, &ConsoleClient::draftDelta, draft_, [this](quint64, const QString& piece) { draft_->appendPiece(piece); });
    connect(client_, &ConsoleClient::drafted, this, [this](quint64, const agent::ReplyDraft& draft) {
        draft_->showDraft(draft);
        emit draftShown();
    });
    connect(client_, &ConsoleClient::busyChanged, this, [this](bool) { setBusy(client_->isBusy()); });
    connect(client_, &ConsoleClient::connectionLost, this, [this](const QString& message) {
        bannerDetails_ = message;
        banner_->setText(tr("The connection to the database was lost: %1. Reconnecting in the background; "
                            "your message is kept. <a href=\"details\">Details</a>").arg(shortErrorText(message).toHtmlEscaped()));
        banner_->show();
        connectionLabel_->setText(tr("● reconnecting"));
        connectionLabel_->setStyleSheet(QStringLiteral("color:#c64600"));
    });
    connect(client_, &ConsoleClient::serverRestarting, this, [this](int attempt, int maxAttempts) {
        banner_->setText(tr("The embedded database stopped; starting it again (attempt %1 of %2). Your message is kept.")
                             .arg(attempt).arg(maxAttempts));
        banner_->show();
    });
    connect(client_, &ConsoleClient::reconnected, this, [this] {
        banner_->hide();
        updateIdentity();
        statusBar()->showMessage(tr("Reconnected to the database"), 5000);
    });
}

void ConsoleWindow::connectCompareClient()
{
    connect(compareClient_, &ConsoleClient::loggedIn, this, [this](quint64, const AgentSession& session) {
        compareSession_ = session;
        if (loginDialog_)
            loginDialog_->accept();
        compare_->setRightAgent(session.account.displayName);
        compareAction_->setEnabled(true);
        emit compareAgentLoggedIn(session);
    });
    connect(compareClient_, &ConsoleClient::answered, this, [this](quint64, const AskAnswerPtr& answer) {
        compareAnswer_ = answer;
        compare_->showRight(answer);
        emitIfCompared();
    });
    connect(compareClient_, &ConsoleClient::failed, this, [this](quint64, const WorkerFailure& failure) {
        if (failure.operation == QLatin1String("login")) {
            if (loginDialog_)
                loginDialog_->setError(failureText(failure));
            emit loginFailed(failure.message);
            return;
        }
        compare_->showStatus(tr("The comparison failed: %1").arg(failureText(failure)));
    });
    connect(compareClient_, &ConsoleClient::busyChanged, this, [this](bool) { setBusy(client_ && client_->isBusy()); });
}

void ConsoleWindow::openLoginDialog(bool forCompare)
{
    if (!database_ || loginDialog_)
        return;
    loginDialog_ = new LoginDialog(database_->description, this);
    loginDialog_->setAttribute(Qt::WA_DeleteOnClose);
    if (forCompare) {
        loginDialog_->setWindowTitle(tr("Log in a second agent to compare"));
        if (session_)
            loginDialog_->excludeAgent(session_->account.agentId, session_->account.merchantId);
    }
    loginDialog_->setAgents(agents_, database_->embedded);
    if (!forCompare)
        loginDialog_->selectAgent(QSettings().value(QStringLiteral("login/lastAgent")).toString());
    connect(loginDialog_, &LoginDialog::loginRequested, this, [this, forCompare](const AgentAccount& a, const QString& p) {
        if (forCompare)
            loginCompareAgent(a, p);
        else
            login(a, p);
    });
    connect(loginDialog_, &QObject::destroyed, this, [this] { loginDialog_ = nullptr; });
    loginDialog_->open();
}

void ConsoleWindow::login(const AgentAccount& account, const QString& password)
{
    if (!client_)
        return;
    statusBar()->showMessage(tr("Logging in as %1…").arg(account.label()));
    client_->login(account, password);
}

void ConsoleWindow::loginCompareAgent(const AgentAccount& account, const QString& password)
{
    if (!database_)
        return;
    if (!compareClient_) {
        compareClient_ = new ConsoleClient(*database_, backendFactory_, this);
        connectCompareClient();
    }
    compareClient_->login(account, password);
}

retrieval::RetrievalOptions ConsoleWindow::options() const
{
    retrieval::RetrievalOptions o;
    o.k = kBox_->value();
    o.vectorPath = static_cast<retrieval::RetrievalOptions::VectorPath>(pathBox_->currentData().toInt());
    o.rerank = rerankBox_->isChecked();
    o.explain = true;
    return o;
}

void ConsoleWindow::ask(const QString& message)
{
    if (!client_ || !session_) {
        statusBar()->showMessage(tr("Log in first (Ctrl+L)"), 5000);
        return;
    }
    if (message.trimmed().isEmpty()) {
        editor_->setFocus();
        statusBar()->showMessage(tr("Paste the customer's message first"), 5000);
        return;
    }
    if (editor_->message() != message.trimmed())
        editor_->setPlainText(message);
    client_->ask(message.trimmed(), options());
    // Nothing of the previous answer stays under the new message, even if this one fails.
    lastAnswer_.reset();
    results_->clearResults(tr("Finding context for this message…"));
    orders_->clearOrders();
    tickets_->showTickets({});
    source_->showMessage(tr("Select a cited chunk to read its whole source here."));
    packAction_->setEnabled(false);
    draft_->clear(tr("The suggested reply follows the answer to this message."));
    comparing_ = centreTabs_->currentWidget() == compare_;
    if (comparing_ && compareClient_ && compareSession_)
        compareClient_->ask(message.trimmed(), options());
    statusBar()->showMessage(tr("Finding context… (Esc to stop)"));
}

void ConsoleWindow::setVectorPath(retrieval::RetrievalOptions::VectorPath path)
{
    pathBox_->setCurrentIndex(pathBox_->findData(static_cast<int>(path)));
}

void ConsoleWindow::compare()
{
    if (!compareSession_) {
        centreTabs_->setCurrentWidget(compare_);
        openLoginDialog(true);
        return;
    }
    compareAnswer_.reset();
    centreTabs_->setCurrentWidget(compare_);
    compare_->clearAnswers();
    compare_->showStatus(tr("Running the message as %1 and as %2…")
                             .arg(session_ ? session_->account.displayName : QString(), compareSession_->account.displayName));
    ask(editor_->message());
}

void ConsoleWindow::stop()
{
    bool cancelled = false;
    if (client_) {
        client_->stopDraft();
        cancelled = client_->cancel() || cancelled;
    }
    if (compareClient_)
        cancelled = compareClient_->cancel() || cancelled;
    statusBar()->showMessage(cancelled ? tr("Cancelling…") : tr("Nothing to cancel"), 3000);
}

void ConsoleWindow::showAnswer(const AskAnswerPtr& answer)
{
    lastAnswer_ = answer;
    const agent::ContextPack& pack = answer->pack;
    results_->showChunks(pack.chunks, answer->message);
    orders_->showOrders(pack.orders, pack.unknownOrders);
    tickets_->showTickets(pack.tickets);
    developer_->showAnswer(*answer);
    compare_->showLeft(answer);
    emitIfCompared();
    packAction_->setEnabled(true);
    source_->showMessage(tr("Select a cited chunk to read its whole source here."));
    statusBar()->showMessage(tr("%n chunk(s), %1 order(s), %2 ticket(s) in %3 ms", nullptr, static_cast<int>(pack.chunks.size()))
                                 .arg(pack.orders.size())
                                 .arg(pack.tickets.size())
                                 .arg(answer->roundTripMs, 0, 'f', 1));
    if (!pack.chunks.empty())
        results_->setCurrentRow(0);
    startDraft();
    emit answerShown();
}

void ConsoleWindow::emitIfCompared()
{
    if (comparing_ && lastAnswer_ && compareAnswer_ && lastAnswer_->message == compareAnswer_->message)
        emit compareShown();
}

void ConsoleWindow::showFailure(const WorkerFailure& failure)
{
    if (failure.canceled) {
        statusBar()->showMessage(tr("Query cancelled"), 5000);
    } else if (failure.connectionLost) {
        statusBar()->showMessage(tr("Connection lost: %1").arg(shortErrorText(failure.message)), 8000);
    } else {
        results_->clearResults(tr("The query failed: %1").arg(failureText(failure)));
        statusBar()->showMessage(tr("The query failed"), 8000);
    }
    emit askFailed(failure);
}

void ConsoleWindow::setBusy(bool busy)
{
    const bool any = busy || (compareClient_ && compareClient_->isBusy());
    busyBar_->setVisible(any);
    stopAction_->setEnabled(any);
}

void ConsoleWindow::copyContextPack()
{
    if (!lastAnswer_)
        return;
    const QString text = contextPackText();
    const QString json = QString::fromUtf8(QJsonDocument(agent::contextPackToJson(lastAnswer_->pack)).toJson(QJsonDocument::Indented));
    QApplication::clipboard()->setText(text);
    if (!packDialog_)
        packDialog_ = new ContextPackDialog(this);
    packDialog_->showPack(text, json);
    packDialog_->show();
    packDialog_->raise();
    statusBar()->showMessage(tr("Context pack copied to the clipboard"), 5000);
}

QString ConsoleWindow::contextPackText() const
{
    return lastAnswer_ ? agent::contextPackToText(lastAnswer_->pack) : QString();
}

void ConsoleWindow::startDraft()
{
    if (!client_ || !lastAnswer_)
        return;
    draft_->startDraft();
    client_->draft(lastAnswer_);
}

// A citation in the draft opens its source: the cited chunk when it is one of the results.
void ConsoleWindow::showCitation(const QString& citation)
{
    const auto& chunks = results_->chunks();
    for (size_t i = 0; i < chunks.size(); ++i) {
        if (chunks[i].citation == citation) {
            centreTabs_->setCurrentWidget(resultsSplitter_);
            results_->setCurrentRow(static_cast<int>(i));
            return;
        }
    }
    if (citation.startsWith(QLatin1String("[Order")))
        orders_->setFocus();
    else if (citation.startsWith(QLatin1String("[Ticket")))
        tickets_->setFocus();
}

void ConsoleWindow::selectResult(int row)
{
    results_->setCurrentRow(row);
}

QString ConsoleWindow::statusText() const
{
    return QStringLiteral("%1 | %2 | %3").arg(identityLabel_->text(), databaseLabel_->text(), connectionLabel_->text());
}

bool ConsoleWindow::isConnectionBannerVisible() const
{
    return !banner_->isHidden();
}

void ConsoleWindow::updateIdentity()
{
    const QString db = database_ ? database_->description : tr("no database yet");
    if (session_) {
        const AgentAccount& a = session_->account;
        setWindowTitle(tr("Agent Console — %1 (%2) @ %3 (%4) — %5")
                           .arg(a.displayName, a.agentId, a.merchantName, a.merchantId, db));
        identityLabel_->setText(tr("%1 (%2, %3) @ %4").arg(a.displayName, a.agentId, a.kind, a.merchantName));
        // The same words for every contractor and every question: they say nothing about what is hidden.
        scopeNote_->setVisible(a.kind != QLatin1String("staff"));
    } else {
        setWindowTitle(tr("Agent Console — not logged in — %1").arg(db));
        identityLabel_->setText(tr("not logged in"));
        scopeNote_->hide();
    }
    databaseLabel_->setText(session_ ? session_->databaseDescription : db);
    databaseLabel_->setToolTip(db);
    loginAction_->setEnabled(database_.has_value());
    connectionLabel_->setText(session_ ? tr("● connected") : QString());
    connectionLabel_->setStyleSheet(QStringLiteral("color:#26a269"));
}

void ConsoleWindow::showProgress(const QString& step)
{
    statusBar()->showMessage(step);
    results_->clearResults(step);
}

void ConsoleWindow::showDatabaseReady(const QString& description)
{
    statusBar()->showMessage(tr("Database ready: %1").arg(description), 5000);
    results_->clearResults(tr("Database ready. Log in to start."));
}

void ConsoleWindow::showDatabaseError(const QString& message)
{
    results_->clearResults(tr("The database could not be opened: %1").arg(message));
    banner_->setText(tr("The database could not be opened: %1").arg(message));
    banner_->show();
    statusBar()->showMessage(tr("Database unavailable"));
}

void ConsoleWindow::restoreState()
{
    QSettings settings;
    resize(1400, 900);
    mainSplitter_->setSizes({380, 600, 420});
    leftSplitter_->setSizes({150, 260, 170});
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    // About a fifth of the window's height for the developer pane, until the user sizes it.
    resizeDocks({developer_}, {std::max(160, height() * 2 / 9)}, Qt::Vertical);
    QMainWindow::restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    developer_->restoreLayout(settings.value(QStringLiteral("window/developerPane")).toByteArray());
    mainSplitter_->restoreState(settings.value(QStringLiteral("window/mainSplitter")).toByteArray());
    leftSplitter_->restoreState(settings.value(QStringLiteral("window/leftSplitter")).toByteArray());
    resultsSplitter_->restoreState(settings.value(QStringLiteral("window/resultsSplitter")).toByteArray());
    kBox_->setValue(settings.value(QStringLiteral("query/k"), 5).toInt());
    pathBox_->setCurrentIndex(std::max(0, pathBox_->findData(settings.value(QStringLiteral("query/vectorPath"), 0).toInt())));
    rerankBox_->setChecked(settings.value(QStringLiteral("query/rerank"), true).toBool());
}

void ConsoleWindow::saveState() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), QMainWindow::saveState());
    settings.setValue(QStringLiteral("window/developerPane"), developer_->saveLayout());
    settings.setValue(QStringLiteral("window/mainSplitter"), mainSplitter_->saveState());
    settings.setValue(QStringLiteral("window/leftSplitter"), leftSplitter_->saveState());
    settings.setValue(QStringLiteral("window/resultsSplitter"), resultsSplitter_->saveState());
    settings.setValue(QStringLiteral("query/k"), kBox_->value());
    settings.setValue(QStringLiteral("query/vectorPath"), pathBox_->currentData());
    settings.setValue(QStringLiteral("query/rerank"), rerankBox_->isChecked());
}

void ConsoleWindow::closeEvent(QCloseEvent* event)
{
    saveState();
    stop();
    QMainWindow::closeEvent(event);
}

} // namespace ac::ui
