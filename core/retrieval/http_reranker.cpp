#include "retrieval/http_reranker.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ac::retrieval {

QByteArray HttpReranker::requestBody(const QString& query, const std::vector<RetrievedChunk>& candidates) const
{
    QJsonArray documents;
    for (const RetrievedChunk& c : candidates)
        documents.append(c.text.left(config_.maxChars));
    QJsonObject body{{QStringLiteral("query"), query}};
    if (config_.flavor == HttpRerankerConfig::Flavor::Tei) {
        body.insert(QStringLiteral("texts"), documents);
        body.insert(QStringLiteral("raw_scores"), false);
    } else {
        body.insert(QStringLiteral("documents"), documents);
        body.insert(QStringLiteral("top_n"), static_cast<int>(candidates.size()));
        body.insert(QStringLiteral("return_documents"), false);
    }
    if (!config_.model.isEmpty())
        body.insert(QStringLiteral("model"), config_.model);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

std::vector<double> HttpReranker::parseReply(const QByteArray& body, size_t documents)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        throw RerankError(QStringLiteral("reranker reply is not JSON: %1").arg(error.errorString()));
    // TEI answers with a bare array; Cohere and Jina wrap it in {"results": [...]}.
    const QJsonArray results = doc.isArray() ? doc.array() : doc.object().value(QStringLiteral("results")).toArray();
    std::vector<double> scores(documents, -std::numeric_limits<double>::infinity());
    for (const QJsonValue& value : results) {
        const QJsonObject item = value.toObject();
        const int index = item.value(QStringLiteral("index")).toInt(-1);
        const QJsonValue score = item.contains(QStringLiteral("relevance_score"))
            ? item.value(QStringLiteral("relevance_score")) : item.value(QStringLiteral("score"));
        if (index < 0 || static_cast<size_t>(index) >= documents || !score.isDouble())
            throw RerankError(QStringLiteral("reranker reply has a result without a valid index and score"));
        scores[static_cast<size_t>(index)] = score.toDouble();
    }
    if (results.isEmpty() && documents > 0)
        throw RerankError(QStringLiteral("reranker reply has no results"));
    // Documents the endpoint left out (a smaller top_n) rank below every returned one.
    double lowest = std::numeric_limits<double>::infinity();
    for (double s : scores)
        lowest = std::isfinite(s) ? std::min(lowest, s) : lowest;
    for (double& s : scores)
        s = std::isfinite(s) ? s : lowest - 1.0;
    return scores;
}

std::vector<double> HttpReranker::score(const QString& query, const std::vector<RetrievedChunk>& candidates)
{
    if (candidates.empty())
        return {};
    QNetworkAccessManager network;
    QNetworkRequest request(config_.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    if (!config_.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + config_.apiKey.toUtf8());
    request.setTransferTimeout(config_.timeoutMs);

    QNetworkReply* reply = network.post(request, requestBody(query, candidates));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(config_.timeoutMs + 500, &loop, [reply] { reply->abort(); });
    if (!reply->isFinished())
        loop.exec();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const QNetworkReply::NetworkError networkError = reply->error();
    const QString errorText = reply->errorString();
    reply->deleteLater();
    if (networkError != QNetworkReply::NoError && status == 0)
        throw RerankError(QStringLiteral("reranker at %1 unreachable: %2").arg(config_.url.toDisplayString(), errorText));
    if (status < 200 || status >= 300)
        throw RerankError(QStringLiteral("reranker at %1 answered HTTP %2: %3")
                              .arg(config_.url.toDisplayString()).arg(status).arg(QString::fromUtf8(body.left(300))));
    return parseReply(body, candidates.size());
}

} // namespace ac::retrieval
