#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ac::test {

struct RagctlRun {
    int exitCode = -1;  // -1: did not start, crashed or timed out
    QString out;
    QString err;
};

// Runs the ragctl binary CTest names in AGENT_CONSOLE_RAGCTL as `ragctl <command> --db <test database>
// <args...>`, feeding stdinData on standard input.
RagctlRun runRagctl(const QString& command, const QStringList& args, const QByteArray& stdinData = {},
                    int timeoutMs = 120000);

// The same for a command that reads no database (`ragctl <command> <args...>`).
RagctlRun runRagctlWithoutDatabase(const QString& command, const QStringList& args, int timeoutMs = 120000);

} // namespace ac::test
