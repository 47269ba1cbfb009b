#pragma once

#include <QString>

#include <stdexcept>

namespace ac::ingest {

// Bad input: a file that is not UTF-8, empty, oversized, malformed. The message names the file and
// line so the user can fix it.
class SourceError : public std::runtime_error {
public:
    explicit SourceError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

// A load that cannot proceed for a reason the user must act on: unknown merchant, an id owned by
// another merchant, an embedder that does not match the live corpus.
class IngestError : public std::runtime_error {
public:
    explicit IngestError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

} // namespace ac::ingest
