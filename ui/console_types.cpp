#include "console_types.h"

namespace ac::ui {

QString AgentAccount::label() const
{
    return QStringLiteral("%1 (%2), %3").arg(displayName, agentId, merchantName.isEmpty() ? merchantId : merchantName);
}

} // namespace ac::ui
