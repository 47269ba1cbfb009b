#pragma once

#include "retrieval/reranker.h"

#include <QUrl>

namespace ac::retrieval {

struct HttpRerankerConfig {
    enum class Flavor { Cohere, Tei };  // Cohere and Jina share one body; TEI uses "texts"
    QUrl url;             // the full /rerank endpoint, e.g. http://localhost:8080/rerank
    QString model;        // sent when not empty (Cohere/Jina need it; TEI ignores it)
    QString apiKey;       // sent as a Bearer token when not empty; never logged
    Flavor flavor = Flavor::Cohere;
    int timeoutMs = 5000;
    int maxChars = 4000;  // each candidate's text is cut to this many characters
};

// A cross-encoder behind a Cohere/Jina/TEI-compatible POST /rerank. Blocks the calling thread (run
// it off the GUI thread); needs a QCoreApplication. Failures throw RerankError.
class HttpReranker : public Reranker {
public:
    explicit HttpReranker(HttpRerankerConfig config) : config_(std::move(config)) {}
    QString name() const override { return QStringLiteral("http"); }
    std::vector<double> score(const QString& query, const std::vector<RetrievedChunk>& candidates) override;

    // Exposed for tests: the request body, and the reply parsed into one score per document.
    QByteArray requestBody(const QString& query, const std::vector<RetrievedChunk>& candidates) const;
    static std::vector<double> parseReply(const QByteArray& body, size_t documents);

private:
    HttpRerankerConfig config_;
};

} // namespace ac::retrieval
