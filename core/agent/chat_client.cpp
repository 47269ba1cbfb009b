#include "agent/chat_client.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>

namespace ac::agent {

namespace {

void waitMs(int ms, const std::atomic<bool>* cancel)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms && !(cancel && cancel->load())) {
        QEventLoop loop;
        QTimer::singleShot(std::min<qint64>(50, ms - timer.elapsed()), &loop, &QEventLoop::quit);
        loop.exec();
    }
}

QByteArray requestBody(const ChatConfig& config, const std::vector<ChatMessage>& messages)
{
    QJsonArray list;
    for (const ChatMessage& m : messages)
        list.append(QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content}});
    return QJsonDocument(QJsonObject{{QStringLiteral("model"), config.model},
                                     {QStringLiteral("messages"), list},
                                     {QStringLiteral("stream"), true},
                                     {QStringLiteral("max_tokens"), config.maxTokens},
                                     {QStringLiteral("temperature"), config.temperature}})
        .toJson(QJsonDocument::Compact);
}

// One attempt: what came back, and whether another attempt may help.
struct Attempt {
    int status = 0;
    QString problem;      // empty: the stream ended properly
    bool retryable = false;
    int retryAfterMs = -1;
    bool gotText = false;
    bool done = false;
    QString finishReason;
};

// Reads "data: {...}" lines as they arrive; a JSON body (a server that does not stream) is read whole.
class StreamParser {
public:
    StreamParser(ChatResult& result, const std::function<void(const QString&)>& onDelta, QElapsedTimer& clock)
        : result_(result), onDelta_(onDelta), clock_(clock)
    {
    }

    // An event stream is read line by line as it arrives; anything else (a server that does not
    // stream) is kept and read whole at the end. Returns an error text, empty when all is well.
    QString feed(const QByteArray& bytes, bool eventStream, Attempt& attempt)
    {
        buffer_ += bytes;
        if (!eventStream)
            return {};
        qsizetype newline;
        while ((newline = buffer_.indexOf('\n')) >= 0) {
            const QByteArray line = buffer_.left(newline).trimmed();
            buffer_.remove(0, newline + 1);
            if (const QString problem = event(line, attempt); !problem.isEmpty())
                return problem;
        }
        return {};
    }

    QString finish(bool eventStream, Attempt& attempt)
    {
        const QByteArray rest = buffer_.trimmed();
        buffer_.clear();
        if (rest.isEmpty())
            return {};
        return eventStream ? event(rest, attempt) : whole(rest, attempt);
    }

private:
    QString event(const QByteArray& line, Attempt& attempt)
    {
        if (!line.startsWith("data:"))
            return {};  // blank lines, comments, event:, id:, retry: fields
        const QByteArray data = line.mid(5).trimmed();
        if (data == "[DONE]") {
            attempt.done = true;
            return {};
        }
        QJsonParseError error{};
        const QJsonDocument json = QJsonDocument::fromJson(data, &error);
        if (error.error != QJsonParseError::NoError || !json.isObject())
            return QStringLiteral("the endpoint sent an event that is not JSON (%1): %2")
                .arg(error.errorString(), QString::fromUtf8(data.left(120)));
        const QJsonObject choice = json.object().value(QLatin1String("choices")).toArray().first().toObject();
        const QString piece = choice.value(QLatin1String("delta")).toObject().value(QLatin1String("content")).toString();
        if (!piece.isEmpty())
            deliver(piece, attempt);
        const QString reason = choice.value(QLatin1String("finish_reason")).toString();
        if (!reason.isEmpty()) {
            attempt.finishReason = reason;
            attempt.done = true;
        }
        return {};
    }

    QString whole(const QByteArray& body, Attempt& attempt)
    {
        QJsonParseError error{};
        const QJsonDocument json = QJsonDocument::fromJson(body, &error);
        if (error.error != QJsonParseError::NoError || !json.isObject())
            return QStringLiteral("the endpoint answered with something that is not JSON (%1)").arg(error.errorString());
        const QJsonObject choice = json.object().value(QLatin1String("choices")).toArray().first().toObject();
        const QJsonValue content = choice.value(QLatin1String("message")).toObject().value(QLatin1String("content"));
        if (!content.isString())
            return QStringLiteral("the endpoint's answer has no choices[0].message.content");
        deliver(content.toString(), attempt);
        attempt.finishReason = choice.value(QLatin1String("finish_reason")).toString(QStringLiteral("stop"));
        attempt.done = true;
        return {};
    }

    void deliver(const QString& piece, Attempt& attempt)
    {
        if (!attempt.gotText)
            result_.firstTokenMs = clock_.nsecsElapsed() / 1e6;
        attempt.gotText = true;
        result_.text += piece;
        if (onDelta_)
            onDelta_(piece);
    }

    ChatResult& result_;
    const std::function<void(const QString&)>& onDelta_;
    QElapsedTimer& clock_;
    QByteArray buffer_;
};

} // namespace

QString ChatConfig::endpoint() const
{
    QString base = url.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base.endsWith(QLatin1String("/chat/completions")) ? base : base + QStringLiteral("/chat/completions");
}

ChatConfig ChatConfig::fromEnvironment(const QProcessEnvironment& env)
{
    ChatConfig config;
    auto value = [&](const char* name) { return env.value(QString::fromLatin1(name)).trimmed(); };
    config.url = value("AGENT_CONSOLE_LLM_URL");
    config.model = value("AGENT_CONSOLE_LLM_MODEL");
    if (config.model.isEmpty())
        config.model = QStringLiteral("gpt-4o-mini");
    config.apiKey = value("AGENT_CONSOLE_LLM_API_KEY");
    if (config.apiKey.isEmpty())
        config.apiKey = value("OPENAI_API_KEY");
    bool ok = false;
    const int timeout = value("AGENT_CONSOLE_LLM_TIMEOUT_MS").toInt(&ok);
    if (ok && timeout > 0)
        config.timeoutMs = timeout;
    return config;
}

ChatClient::ChatClient(ChatConfig config) : config_(std::move(config)) {}

ChatResult ChatClient::complete(const std::vector<ChatMessage>& messages, const std::function<void(const QString&)>& onDelta,
                                const std::atomic<bool>* cancel) const
{
    if (!config_.configured())
        throw ChatError(QStringLiteral("no chat endpoint is configured (AGENT_CONSOLE_LLM_URL)").toStdString());
    const QByteArray body = requestBody(config_, messages);
    ChatResult result;
    QElapsedTimer clock;
    clock.start();
    QString lastProblem;
    for (int attempt = 0; attempt <= config_.maxRetries; ++attempt) {
        result.attempts = attempt + 1;
        Attempt a;
        QNetworkAccessManager manager;
        QNetworkRequest request{QUrl(config_.endpoint())};
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Accept", "text/event-stream");
        if (!config_.apiKey.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + config_.apiKey.toUtf8());
        QNetworkReply* reply = manager.post(request, body);
        StreamParser parser(result, onDelta, clock);
        QEventLoop loop;
        QString streamProblem;
        bool timedOut = false;
        const auto eventStream = [&] {
            return reply->header(QNetworkRequest::ContentTypeHeader).toString().contains(QLatin1String("event-stream"));
        };
        QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status >= 200 && status < 300 && streamProblem.isEmpty()) {
                streamProblem = parser.feed(reply->readAll(), eventStream(), a);
                if (!streamProblem.isEmpty())
                    reply->abort();
            }
        });
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer whole, firstToken, poll;
        for (QTimer* t : {&whole, &firstToken})
            t->setSingleShot(true);
        QObject::connect(&whole, &QTimer::timeout, reply, [&] { timedOut = true; reply->abort(); });
        QObject::connect(&firstToken, &QTimer::timeout, reply, [&] {
            if (!a.gotText) {
                timedOut = true;
                reply->abort();
            }
        });
        QObject::connect(&poll, &QTimer::timeout, reply, [&] {
            if (cancel && cancel->load()) {
                result.cancelled = true;
                reply->abort();
            }
        });
        whole.start(config_.timeoutMs);
        firstToken.start(config_.firstTokenTimeoutMs);
        poll.start(50);
        if (!reply->isFinished())
            loop.exec();

        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (a.status >= 200 && a.status < 300 && streamProblem.isEmpty()) {
            streamProblem = parser.feed(reply->readAll(), eventStream(), a);
            if (streamProblem.isEmpty())
                streamProblem = parser.finish(eventStream(), a);
        }
        if (reply->hasRawHeader("Retry-After")) {
            bool ok = false;
            const double seconds = reply->rawHeader("Retry-After").toDouble(&ok);
            if (ok)
                a.retryAfterMs = static_cast<int>(seconds * 1000);
        }
        const QNetworkReply::NetworkError networkError = reply->error();
        const QByteArray errorBody = a.status >= 300 ? reply->readAll() : QByteArray();
        delete reply;

        if (result.cancelled) {
            result.finishReason = QStringLiteral("cancelled");
            result.totalMs = clock.nsecsElapsed() / 1e6;
            return result;
        }
        if (!streamProblem.isEmpty())
            throw ChatError(QStringLiteral("chat endpoint %1: %2").arg(config_.endpoint(), streamProblem).toStdString());
        if (a.gotText || a.done) {
            // Text arrived: never retried (it would repeat itself); a broken stream keeps what came.
            result.complete = a.done;
            result.finishReason = a.done ? (a.finishReason.isEmpty() ? QStringLiteral("stop") : a.finishReason)
                                         : QStringLiteral("dropped");
            result.totalMs = clock.nsecsElapsed() / 1e6;
            return result;
        }
        if (a.status > 0) {
            lastProblem = QStringLiteral("HTTP %1: %2").arg(a.status).arg(QString::fromUtf8(errorBody.left(200)).trimmed());
            a.retryable = a.status == 429 || a.status >= 500;
        } else if (timedOut) {
            lastProblem = QStringLiteral("no answer within %1 ms").arg(config_.firstTokenTimeoutMs);
            a.retryable = true;
        } else {
            lastProblem = networkError == QNetworkReply::NoError ? QStringLiteral("the stream ended without any text")
                                                                 : QStringLiteral("network error %1").arg(int(networkError));
            a.retryable = networkError == QNetworkReply::ConnectionRefusedError
                          || networkError == QNetworkReply::RemoteHostClosedError
                          || networkError == QNetworkReply::TemporaryNetworkFailureError;
        }
        if (!a.retryable || attempt == config_.maxRetries)
            break;
        const int backoff = std::min(config_.initialBackoffMs << std::min(attempt, 10), 30000);
        waitMs(a.retryAfterMs >= 0 ? std::min(a.retryAfterMs, 30000) : backoff, cancel);
    }
    throw ChatError(QStringLiteral("chat endpoint %1 (model %2) failed after %3 attempt(s): %4")
                        .arg(config_.endpoint(), config_.model)
                        .arg(result.attempts)
                        .arg(lastProblem)
                        .toStdString());
}

} // namespace ac::agent
