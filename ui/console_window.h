#pragma once

#include "console_backend.h"
#include "console_types.h"

#include <QMainWindow>

#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QSpinBox;
class QSplitter;
class QTabWidget;

namespace ac::ui {

class CompareView;
class ConsoleClient;
class ContextPackDialog;
class DeveloperPane;
class DraftPane;
class LoginDialog;
class MessageEditor;
class OrderPanel;
class ResultsView;
class SourceViewer;
class TicketHistoryView;

// The agent's main window: message, cited chunks, the whole source, order and ticket history,
// the agent comparison and the developer pane. All database work goes through ConsoleClient
// workers; nothing here blocks on the database.
class ConsoleWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit ConsoleWindow(BackendFactory backend = makeCoreBackend, QWidget* parent = nullptr);
    ~ConsoleWindow() override;

    // Once the database is ready: reads the agents and logs in (automatically when setAutoLogin
    // was called, otherwise through the login dialog).
    void setDatabase(const DatabaseInfo& database);
    void setAutoLogin(const QString& agentId, const QString& password = {}, bool useDemoPassword = false);
    void login(const AgentAccount& account, const QString& password);
    void loginCompareAgent(const AgentAccount& account, const QString& password);
    const AgentAccounts& agents() const { return agents_; }
    std::optional<AgentAccount> findAgent(const QString& agentId) const;

    void ask(const QString& message);
    void setVectorPath(retrieval::RetrievalOptions::VectorPath path);
    void compare();
    void stop();
    void copyContextPack();
    void selectResult(int row);

    std::optional<AgentSession> session() const { return session_; }
    AskAnswerPtr lastAnswer() const { return lastAnswer_; }
    QString contextPackText() const;
    QString statusText() const;
    bool isConnectionBannerVisible() const;

    MessageEditor* messageEditor() const { return editor_; }
    ResultsView* resultsView() const { return results_; }
    SourceViewer* sourceViewer() const { return source_; }
    OrderPanel* orderPanel() const { return orders_; }
    TicketHistoryView* ticketHistory() const { return tickets_; }
    CompareView* compareView() const { return compare_; }
    DeveloperPane* developerPane() const { return developer_; }
    DraftPane* draftPane() const { return draft_; }
    QLabel* scopeNote() const { return scopeNote_; }
    ConsoleClient* client() const { return client_; }
    ConsoleClient* compareClient() const { return compareClient_; }

public slots:
    void showProgress(const QString& step);
    void showDatabaseReady(const QString& description);
    void showDatabaseError(const QString& message);

signals:
    void agentsLoaded();
    void loggedIn(const ac::ui::AgentSession& session);
    void loginFailed(const QString& message);
    void compareAgentLoggedIn(const ac::ui::AgentSession& session);
    void answerShown();
    void askFailed(const ac::ui::WorkerFailure& failure);
    void compareShown();
    void draftShown();
    void sourceShown(const QString& sourceId);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();  // console_window_layout.cpp
    void buildLayout();  // console_window_layout.cpp
    void connectPanels();
    void connectClient();
    void connectCompareClient();
    void openLoginDialog(bool forCompare);
    void showAnswer(const AskAnswerPtr& answer);
    void startDraft();
    void showCitation(const QString& citation);
    void showFailure(const WorkerFailure& failure);
    void emitIfCompared();
    void setBusy(bool busy);
    void updateIdentity();
    void restoreState();
    void saveState() const;
    retrieval::RetrievalOptions options() const;

    BackendFactory backendFactory_;
    std::optional<DatabaseInfo> database_;
    AgentAccounts agents_;
    std::optional<AgentSession> session_;
    std::optional<AgentSession> compareSession_;
    std::optional<ServerVersions> versions_;
    AskAnswerPtr lastAnswer_;
    AskAnswerPtr compareAnswer_;
    std::optional<retrieval::RetrievedChunk> selectedChunk_;
    quint64 sourceToken_ = 0;
    QString autoLoginAgent_;
    QString autoLoginPassword_;
    bool autoLoginDemoPassword_ = false;
    bool comparing_ = false;  // the last question also ran as the second agent (Compare tab in front)

    ConsoleClient* client_ = nullptr;
    ConsoleClient* compareClient_ = nullptr;
    LoginDialog* loginDialog_ = nullptr;
    ContextPackDialog* packDialog_ = nullptr;

    MessageEditor* editor_;
    ResultsView* results_;
    SourceViewer* source_;
    OrderPanel* orders_;
    TicketHistoryView* tickets_;
    CompareView* compare_;
    DeveloperPane* developer_;
    DraftPane* draft_;
    QSplitter* resultsSplitter_;
    QTabWidget* centreTabs_;
    QSplitter* mainSplitter_;
    QSplitter* leftSplitter_;
    QLabel* banner_;
    QLabel* scopeNote_;      // for agents who read part of the merchant's material (contractors)
    QString bannerDetails_;  // the full error text behind the banner's Details link
    QLabel* identityLabel_;
    QLabel* databaseLabel_;
    QLabel* connectionLabel_;
    QProgressBar* busyBar_;
    QSpinBox* kBox_;
    QComboBox* pathBox_;
    QCheckBox* rerankBox_;
    QAction* askAction_;
    QAction* stopAction_;
    QAction* packAction_;
    QAction* compareAction_;
    QAction* loginAction_;
};

} // namespace ac::ui
