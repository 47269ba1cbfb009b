#pragma once

#include "console_backend.h"
#include "console_types.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <random>

namespace ac::ui {

// Lets the GUI thread cancel the statement running on the worker's connection (PQcancel), and
// tells it which request the worker is running (0: idle).
class CancelSlot {
public:
    void set(db::CancelHandle handle);
    void clear();
    bool cancel() const;
    void setRunning(quint64 token) { running_.store(token); }
    quint64 running() const { return running_.load(); }
    // Requests up to this token are to be cancelled; a later one hit by a stray cancel is re-run.
    void setCancelUpTo(quint64 token) { cancelUpTo_.store(token); }
    quint64 cancelUpTo() const { return cancelUpTo_.load(); }

private:
    mutable std::mutex mutex_;
    db::CancelHandle handle_;
    std::atomic<quint64> running_{0};
    std::atomic<quint64> cancelUpTo_{0};
};

// Lives on its own thread and holds the agent's own connection; every slot runs there. Results
// carry the token of the request they answer.
class ConsoleWorker : public QObject {
    Q_OBJECT
public:
    ConsoleWorker(DatabaseInfo database, BackendFactory factory, std::shared_ptr<CancelSlot> cancel,
                  std::shared_ptr<std::atomic<quint64>> latestAsk);
    ~ConsoleWorker() override;

    void listAgents(quint64 token);
    void login(quint64 token, const ac::ui::AgentAccount& account, const QString& password);
    void ask(quint64 token, const QString& message, const ac::retrieval::RetrievalOptions& options);
    void loadSource(quint64 token, const QString& sourceType, const QString& sourceId);
    void fetchVersions(quint64 token);
    void draft(quint64 token, const ac::ui::AskAnswerPtr& answer, const std::shared_ptr<std::atomic<bool>>& stop);
    void shutdown();

signals:
    void agentsListed(quint64 token, const ac::ui::AgentAccounts& agents);
    void loggedIn(quint64 token, const ac::ui::AgentSession& session);
    void answered(quint64 token, const ac::ui::AskAnswerPtr& answer);
    void sourceLoaded(quint64 token, const ac::ui::SourceDocument& source);
    void versionsLoaded(quint64 token, const ac::ui::ServerVersions& versions);
    void draftDelta(quint64 token, const QString& piece);
    void drafted(quint64 token, const ac::agent::ReplyDraft& draft);
    void failed(quint64 token, const ac::ui::WorkerFailure& failure);
    void requestDone(quint64 token);  // after the answer or failure, or when a request is skipped
    void connectionLost(const QString& message);
    void reconnected();
    void serverRestarting(int attempt, int maxAttempts);  // the embedded server died: starting it again

private:
    template <typename Work>
    void run(quint64 token, const QString& operation, Work&& work);
    db::PgConnection& connection();
    void connect();
    void dropConnection();
    void openSideSession();
    void scheduleReconnect();
    void tryReconnect();

    DatabaseInfo database_;
    BackendFactory factory_;
    double recallProbeRate_;  // share of graph answers the recall-drift monitor checks
    std::mt19937_64 rng_{std::random_device{}()};
    std::unique_ptr<ConsoleBackend> backend_;
    static constexpr int kMaxRestartAttempts = 3;
    int restartAttempts_ = 0;
    std::shared_ptr<CancelSlot> cancel_;
    std::shared_ptr<std::atomic<quint64>> latestAsk_;
    std::optional<db::PgConnection> conn_;
    std::optional<db::PgConnection> side_;  // the agent's second session (Retriever::setSideSession)
    std::optional<db::PgConnection> replica_;  // reads, when the database has a replica (conn_ then audits)
    std::optional<AgentSession> session_;
    QString password_;  // kept in memory only, to reconnect after a lost connection
    QTimer* reconnectTimer_ = nullptr;
    int reconnectDelayMs_ = 500;
    bool lost_ = false;  // the connection was lost and reconnected() is still owed
};

} // namespace ac::ui
