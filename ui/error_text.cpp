#include "error_text.h"

#include <QRegularExpression>

namespace ac::ui {

QString shortErrorText(const QString& message)
{
    static const QRegularExpression prefix(QStringLiteral("^(ERROR|FATAL|PANIC|WARNING):\\s*"));
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    QString line;
    for (const QString& candidate : message.split(QLatin1Char('\n'))) {
        line = candidate.trimmed();
        if (!line.isEmpty())
            break;
    }
    line.remove(prefix);
    line.replace(spaces, QStringLiteral(" "));
    constexpr int kMax = 160;
    if (line.size() > kMax)
        line = line.left(kMax - 1).trimmed() + QChar(0x2026);
    return line;
}

} // namespace ac::ui
