#pragma once

#include <QString>

#include <stdexcept>

namespace ac::eval {

// A dataset or run log that cannot be used as given: a missing file, a malformed line (named with
// file and line), an unknown run id. The message says what to fix.
class EvalError : public std::runtime_error {
public:
    explicit EvalError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

} // namespace ac::eval
