#pragma once

#include "console_backend.h"
#include "console_types.h"

#include <QObject>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>

namespace ac::ui {

class CancelSlot;
class ConsoleWorker;

// The GUI thread's handle on one worker thread and its connection (pgModeler's pattern). Every
// request returns a token; answers to an ask the user has since replaced are dropped here, so the
// window only ever sees the latest. cancel() runs PQcancel directly from the calling thread.
class ConsoleClient : public QObject {
    Q_OBJECT
public:
    ConsoleClient(DatabaseInfo database, BackendFactory factory, QObject* parent = nullptr);
    ~ConsoleClient() override;  // cancel, quit(), wait()

    quint64 listAgents();
    quint64 login(const AgentAccount& account, const QString& password);
    // Supersedes any earlier ask: a queued one is skipped, a running one is cancelled, and either
    // answer would be dropped.
    quint64 ask(const QString& message, const retrieval::RetrievalOptions& options);
    quint64 loadSource(const QString& sourceType, const QString& sourceId);
    quint64 fetchVersions();
    // Cancels every request sent so far that is still running or queued to run; a cancel that
    // reaches the server before the statement does is repeated until the request ends.
    bool cancel();
    // The suggested reply for an answer; a newer draft, a newer ask or stopDraft() ends it.
    quint64 draft(const AskAnswerPtr& answer);
    void stopDraft();

    bool isBusy() const { return outstanding_ > 0; }  // requests sent and not yet done
    quint64 runningToken() const;  // the request the worker is running now, 0 when idle
    quint64 latestAskToken() const { return latestAsk_->load(); }
    const DatabaseInfo& database() const { return database_; }

signals:
    void agentsListed(quint64 token, const ac::ui::AgentAccounts& agents);
    void loggedIn(quint64 token, const ac::ui::AgentSession& session);
    void answered(quint64 token, const ac::ui::AskAnswerPtr& answer);
    void draftDelta(quint64 token, const QString& piece);
    void serverRestarting(int attempt, int maxAttempts);
    void drafted(quint64 token, const ac::agent::ReplyDraft& draft);
    void sourceLoaded(quint64 token, const ac::ui::SourceDocument& source);
    void versionsLoaded(quint64 token, const ac::ui::ServerVersions& versions);
    void failed(quint64 token, const ac::ui::WorkerFailure& failure);
    void busyChanged(bool busy);
    void connectionLost(const QString& message);
    void reconnected();
    void staleAnswerDropped(quint64 token);

private:
    template <typename Call>
    quint64 post(Call&& call);

    DatabaseInfo database_;
    QThread thread_;
    ConsoleWorker* worker_;
    std::shared_ptr<CancelSlot> cancel_;
    std::shared_ptr<std::atomic<quint64>> latestAsk_;
    void cancelUpTo(quint64 token);

    QTimer* cancelRetry_;
    std::shared_ptr<std::atomic<bool>> draftStop_ = std::make_shared<std::atomic<bool>>(false);
    quint64 draftToken_ = 0;
    quint64 nextToken_ = 1;
    int outstanding_ = 0;
};

void registerConsoleMetaTypes();

} // namespace ac::ui
