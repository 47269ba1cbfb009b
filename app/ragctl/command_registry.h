#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace ac::cli {

// A ragctl subcommand. args[0] is "ragctl <name>", the rest are the command's own arguments.
// Returns the process exit code; errors may also be thrown and are reported by main().
using CommandFn = int (*)(const QStringList& args);

struct CommandInfo {
    QString name;
    QString summary;
    CommandFn run;
};

const std::vector<CommandInfo>& commands();

// Each cmd_*.cpp registers itself with a file-scope `const CommandRegistrar`.
struct CommandRegistrar {
    CommandRegistrar(const char* name, const char* summary, CommandFn run);
};

} // namespace ac::cli
