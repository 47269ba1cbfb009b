#pragma once

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace ac::ingest {

// What produced a vector; recorded on every chunk and corpus version.
struct EmbeddingSpec {
    QString provider;  // "hash" | "openai"
    QString model;
    int dims = 0;
    QString version;   // provider implementation version
};

using Embedding = std::vector<float>;

// Turns texts into unit-length vectors of spec().dims. Throws EmbeddingError with a message a user
// can act on (endpoint down, wrong dimensions, ...).
class Embedder {
public:
    virtual ~Embedder() = default;
    virtual EmbeddingSpec spec() const = 0;
    virtual std::vector<Embedding> embed(const QStringList& texts) = 0;
    // True when embed() may run on a worker thread while the caller uses the database, so bulk
    // loads can embed the next batch while writing this one.
    virtual bool threadSafe() const { return false; }
};

class EmbeddingError : public std::runtime_error {
public:
    explicit EmbeddingError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

} // namespace ac::ingest
