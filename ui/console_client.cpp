#include "console_client.h"

#include "console_worker.h"

#include <QMetaObject>

#include <algorithm>
#include <limits>

namespace ac::ui {

void registerConsoleMetaTypes()
{
    qRegisterMetaType<AgentAccounts>();
    qRegisterMetaType<AgentSession>();
    qRegisterMetaType<AskAnswerPtr>();
    qRegisterMetaType<SourceDocument>();
    qRegisterMetaType<ServerVersions>();
    qRegisterMetaType<WorkerFailure>();
    qRegisterMetaType<agent::ReplyDraft>();
}

ConsoleClient::ConsoleClient(DatabaseInfo database, BackendFactory factory, QObject* parent)
    : QObject(parent), database_(database), cancel_(std::make_shared<CancelSlot>()),
      latestAsk_(std::make_shared<std::atomic<quint64>>(0)), cancelRetry_(new QTimer(this))
{
    cancelRetry_->setInterval(100);
    connect(cancelRetry_, &QTimer::timeout, this, [this] {
        const quint64 running = cancel_->running();
        if (running == 0 || running > cancel_->cancelUpTo())
            cancelRetry_->stop();
        else
            cancel_->cancel();
    });
    registerConsoleMetaTypes();
    thread_.setObjectName(QStringLiteral("console-worker"));
    worker_ = new ConsoleWorker(std::move(database), std::move(factory), cancel_, latestAsk_);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);

    connect(worker_, &ConsoleWorker::agentsListed, this, &ConsoleClient::agentsListed);
    connect(worker_, &ConsoleWorker::loggedIn, this, &ConsoleClient::loggedIn);
    connect(worker_, &ConsoleWorker::sourceLoaded, this, &ConsoleClient::sourceLoaded);
    connect(worker_, &ConsoleWorker::versionsLoaded, this, &ConsoleClient::versionsLoaded);
    connect(worker_, &ConsoleWorker::connectionLost, this, &ConsoleClient::connectionLost);
    connect(worker_, &ConsoleWorker::reconnected, this, &ConsoleClient::reconnected);
    connect(worker_, &ConsoleWorker::serverRestarting, this, &ConsoleClient::serverRestarting);
    connect(worker_, &ConsoleWorker::requestDone, this, [this](quint64) {
        if (--outstanding_ == 0)
            emit busyChanged(false);
    });
    connect(worker_, &ConsoleWorker::draftDelta, this, [this](quint64 token, const QString& piece) {
        if (token == draftToken_)
            emit draftDelta(token, piece);
    });
    connect(worker_, &ConsoleWorker::drafted, this, [this](quint64 token, const agent::ReplyDraft& draft) {
        if (token == draftToken_)
            emit drafted(token, draft);
    });
    connect(worker_, &ConsoleWorker::answered, this, [this](quint64 token, const AskAnswerPtr& answer) {
        if (token != latestAsk_->load()) {
            emit staleAnswerDropped(token);
            return;
        }
        emit answered(token, answer);
    });
    connect(worker_, &ConsoleWorker::failed, this, [this](quint64 token, const WorkerFailure& failure) {
        if (failure.operation == QLatin1String("ask") && token != latestAsk_->load()) {
            emit staleAnswerDropped(token);
            return;
        }
        emit failed(token, failure);
    });
    thread_.start();
}

ConsoleClient::~ConsoleClient()
{
    latestAsk_->store(std::numeric_limits<quint64>::max());  // queued asks are all superseded now
    cancel_->setCancelUpTo(std::numeric_limits<quint64>::max());
    QMetaObject::invokeMethod(worker_, &ConsoleWorker::shutdown, Qt::QueuedConnection);
    thread_.quit();
    do
        cancel_->cancel();
    while (!thread_.wait(100));
}

template <typename Call>
quint64 ConsoleClient::post(Call&& call)
{
    const quint64 token = nextToken_++;
    if (outstanding_++ == 0)
        emit busyChanged(true);
    QMetaObject::invokeMethod(worker_, [worker = worker_, token, call = std::forward<Call>(call)] { call(worker, token); },
                              Qt::QueuedConnection);
    return token;
}

quint64 ConsoleClient::listAgents()
{
    return post([](ConsoleWorker* w, quint64 token) { w->listAgents(token); });
}

quint64 ConsoleClient::login(const AgentAccount& account, const QString& password)
{
    return post([account, password](ConsoleWorker* w, quint64 token) { w->login(token, account, password); });
}

quint64 ConsoleClient::ask(const QString& message, const retrieval::RetrievalOptions& options)
{
    const quint64 token = nextToken_;
    stopDraft();  // a new question makes the running draft moot, and it holds the worker
    const quint64 previous = latestAsk_->exchange(token);
    if (previous != 0 && cancel_->running() == previous)
        cancelUpTo(previous);
    return post([message, options](ConsoleWorker* w, quint64 t) { w->ask(t, message, options); });
}

quint64 ConsoleClient::draft(const AskAnswerPtr& answer)
{
    stopDraft();
    draftStop_ = std::make_shared<std::atomic<bool>>(false);
    draftToken_ = post([answer, stop = draftStop_](ConsoleWorker* w, quint64 t) { w->draft(t, answer, stop); });
    return draftToken_;
}

void ConsoleClient::stopDraft()
{
    draftStop_->store(true);
}

quint64 ConsoleClient::loadSource(const QString& sourceType, const QString& sourceId)
{
    return post([sourceType, sourceId](ConsoleWorker* w, quint64 token) { w->loadSource(token, sourceType, sourceId); });
}

quint64 ConsoleClient::fetchVersions()
{
    return post([](ConsoleWorker* w, quint64 token) { w->fetchVersions(token); });
}

bool ConsoleClient::cancel()
{
    if (cancel_->running() == 0) {
        cancel_->setCancelUpTo(nextToken_ - 1);
        return false;
    }
    cancelUpTo(nextToken_ - 1);
    return true;
}

void ConsoleClient::cancelUpTo(quint64 token)
{
    cancel_->setCancelUpTo(std::max(token, cancel_->cancelUpTo()));
    cancel_->cancel();
    cancelRetry_->start();
}

quint64 ConsoleClient::runningToken() const
{
    return cancel_->running();
}

} // namespace ac::ui
