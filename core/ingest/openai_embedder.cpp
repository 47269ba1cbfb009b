#include "ingest/openai_embedder.h"

#include "ingest/vector_math.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

#include <algorithm>

namespace ac::ingest {

namespace {

void waitMs(int ms)
{
    // An event loop rather than a sleep, so servers living on this thread (tests) keep answering.
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

OpenAiEmbedder::OpenAiEmbedder(EmbedderConfig config) : config_(std::move(config))
{
    if (config_.model.isEmpty())
        config_.model = QString::fromLatin1(kDefaultModel);
    if (config_.url.isEmpty())
        config_.url = QString::fromLatin1(kDefaultUrl);
    if (config_.dims <= 0)
        throw EmbeddingError(QStringLiteral("openai embedder: dimensions must be positive, not %1").arg(config_.dims));
    config_.batchSize = std::clamp(config_.batchSize, 1, 2048);
    config_.maxRetries = std::max(0, config_.maxRetries);
    if (!config_.sendDimensions)
        config_.sendDimensions = config_.model.startsWith(QLatin1String("text-embedding-3"));
    const QUrl url(endpoint());
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        throw EmbeddingError(QStringLiteral("embedding URL \"%1\" is not an http(s) URL").arg(config_.url));
}

EmbeddingSpec OpenAiEmbedder::spec() const
{
    return {QStringLiteral("openai"), config_.model, config_.dims, QString::fromLatin1(kVersion)};
}

QString OpenAiEmbedder::endpoint() const
{
    QString base = config_.url;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base.endsWith(QLatin1String("/embeddings")) ? base : base + QStringLiteral("/embeddings");
}

std::vector<Embedding> OpenAiEmbedder::embed(const QStringList& texts)
{
    std::vector<Embedding> out;
    out.reserve(static_cast<size_t>(texts.size()));
    for (qsizetype start = 0; start < texts.size(); start += config_.batchSize) {
        std::vector<Embedding> batch = embedBatch(texts.mid(start, config_.batchSize));
        std::move(batch.begin(), batch.end(), std::back_inserter(out));
    }
    return out;
}

std::vector<Embedding> OpenAiEmbedder::embedBatch(const QStringList& batch)
{
    QJsonArray input;
    for (const QString& text : batch)
        input.append(text.isEmpty() ? QStringLiteral(" ") : text);
    QJsonObject request{{QStringLiteral("model"), config_.model},
                        {QStringLiteral("input"), input},
                        {QStringLiteral("encoding_format"), QStringLiteral("float")}};
    if (config_.sendDimensions.value_or(false))
        request.insert(QStringLiteral("dimensions"), config_.dims);
    const QByteArray body = QJsonDocument(request).toJson(QJsonDocument::Compact);

    QString lastProblem;
    for (int attempt = 0; attempt <= config_.maxRetries; ++attempt) {
        const Reply reply = post(body);
        if (reply.networkError.isEmpty() && reply.status >= 200 && reply.status < 300)
            return parse(reply.body, batch.size());
        lastProblem = reply.status > 0
                          ? QStringLiteral("HTTP %1: %2").arg(reply.status).arg(QString::fromUtf8(reply.body.left(300)).trimmed())
                          : reply.networkError;
        if (!reply.retryable)
            break;
        if (attempt < config_.maxRetries) {
            const int backoff = std::min(config_.initialBackoffMs << std::min(attempt, 10), 30000);
            waitMs(reply.retryAfterMs >= 0 ? std::min(reply.retryAfterMs, 30000) : backoff);
        }
    }
    throw EmbeddingError(QStringLiteral("embedding endpoint %1 (model %2) failed: %3")
                             .arg(endpoint(), config_.model, lastProblem));
}

OpenAiEmbedder::Reply OpenAiEmbedder::post(const QByteArray& body) const
{
    QNetworkAccessManager manager;
    QNetworkRequest request{QUrl(endpoint())};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!config_.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + config_.apiKey.toUtf8());
    request.setTransferTimeout(config_.timeoutMs);

    QNetworkReply* reply = manager.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer guard;  // transfer timeouts only count idle time; this bounds the whole request
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, reply, &QNetworkReply::abort);
    guard.start(config_.timeoutMs * 2);
    if (!reply->isFinished())
        loop.exec();

    Reply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    if (reply->hasRawHeader("Retry-After")) {
        bool ok = false;
        const double seconds = reply->rawHeader("Retry-After").toDouble(&ok);
        if (ok)
            out.retryAfterMs = static_cast<int>(seconds * 1000);
    }
    if (out.status == 0) {
        const QNetworkReply::NetworkError error = reply->error();
        const bool timedOut = error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError;
        out.networkError = timedOut ? QStringLiteral("no answer within %1 ms").arg(config_.timeoutMs)
                                    : reply->errorString();
        out.retryable = timedOut || error == QNetworkReply::ConnectionRefusedError
                        || error == QNetworkReply::RemoteHostClosedError || error == QNetworkReply::TemporaryNetworkFailureError
                        || error == QNetworkReply::NetworkSessionFailedError || error == QNetworkReply::UnknownNetworkError;
    } else {
        out.retryable = out.status == 429 || out.status >= 500;
    }
    delete reply;
    return out;
}

std::vector<Embedding> OpenAiEmbedder::parse(const QByteArray& body, qsizetype expected) const
{
    QJsonParseError error{};
    const QJsonDocument json = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !json.isObject())
        throw EmbeddingError(QStringLiteral("embedding endpoint %1 answered with something that is not JSON: %2")
                                 .arg(endpoint(), error.errorString()));
    const QJsonArray data = json.object().value(QLatin1String("data")).toArray();
    if (data.size() != expected)
        throw EmbeddingError(QStringLiteral("embedding endpoint %1 returned %2 vectors for %3 texts")
                                 .arg(endpoint()).arg(data.size()).arg(expected));
    std::vector<Embedding> out(static_cast<size_t>(expected));
    for (qsizetype i = 0; i < data.size(); ++i) {
        const QJsonObject item = data[i].toObject();
        const qsizetype index = item.value(QLatin1String("index")).toInteger(i);
        const QJsonArray values = item.value(QLatin1String("embedding")).toArray();
        if (index < 0 || index >= expected || !out[static_cast<size_t>(index)].empty())
            throw EmbeddingError(QStringLiteral("embedding endpoint %1 returned a bad index %2").arg(endpoint()).arg(index));
        if (values.size() != config_.dims)
            throw EmbeddingError(QStringLiteral("embedding endpoint %1 (model %2) returned %3-dimensional vectors; "
                                                "this corpus needs %4. Choose a model that produces %4 dimensions "
                                                "(or one that accepts the \"dimensions\" parameter).")
                                     .arg(endpoint(), config_.model).arg(values.size()).arg(config_.dims));
        Embedding v;
        v.reserve(static_cast<size_t>(values.size()));
        for (const QJsonValue& x : values)
            v.push_back(static_cast<float>(x.toDouble()));
        if (!normalizeL2(v))
            throw EmbeddingError(QStringLiteral("embedding endpoint %1 returned a zero or non-finite vector").arg(endpoint()));
        out[static_cast<size_t>(index)] = std::move(v);
    }
    return out;
}

} // namespace ac::ingest
