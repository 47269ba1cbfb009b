#include "command_registry.h"

#include <algorithm>

namespace ac::cli {

namespace {
std::vector<CommandInfo>& registry()
{
    static std::vector<CommandInfo> all;
    return all;
}
} // namespace

const std::vector<CommandInfo>& commands()
{
    auto& all = registry();
    std::sort(all.begin(), all.end(), [](const CommandInfo& a, const CommandInfo& b) { return a.name < b.name; });
    return all;
}

CommandRegistrar::CommandRegistrar(const char* name, const char* summary, CommandFn run)
{
    registry().push_back({QString::fromUtf8(name), QString::fromUtf8(summary), run});
}

} // namespace ac::cli
