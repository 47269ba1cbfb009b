#include "support/ragctl_runner.h"

#include "support/test_database.h"

#include <QProcess>

namespace ac::test {

namespace {

RagctlRun run(const QStringList& arguments, const QByteArray& stdinData, int timeoutMs)
{
    QProcess process;
    process.start(qEnvironmentVariable("AGENT_CONSOLE_RAGCTL"), arguments);
    if (!process.waitForStarted())
        return {};
    if (!stdinData.isEmpty())
        process.write(stdinData);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

RagctlRun runRagctl(const QString& command, const QStringList& args, const QByteArray& stdinData, int timeoutMs)
{
    return run(QStringList{command, QStringLiteral("--db"), TestDatabase::instance().conninfo()} + args, stdinData, timeoutMs);
}

RagctlRun runRagctlWithoutDatabase(const QString& command, const QStringList& args, int timeoutMs)
{
    return run(QStringList{command} + args, {}, timeoutMs);
}

} // namespace ac::test
