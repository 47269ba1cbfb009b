#include "about_dialog.h"

#include <libpq-fe.h>

namespace ac::ui {

QString aboutText(const std::optional<ServerVersions>& versions)
{
    const int libpq = PQlibVersion();
    const QString unknown = QObject::tr("(not connected)");
    return QObject::tr("<h3>Agent Console %1</h3>"
                       "<p>Permission-aware context for support agents, from PostgreSQL + pgvector.</p>"
                       "<table>"
                       "<tr><td>Qt</td><td>%2 (built with %3)</td></tr>"
                       "<tr><td>libpq</td><td>%4</td></tr>"
                       "<tr><td>PostgreSQL server</td><td>%5</td></tr>"
                       "<tr><td>pgvector</td><td>%6</td></tr></table>")
        .arg(QStringLiteral(AGENT_CONSOLE_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             QStringLiteral("%1.%2").arg(libpq / 10000).arg(libpq % 10000),
             versions ? versions->server : unknown, versions ? versions->pgvector : unknown);
}

void showAboutDialog(QWidget* parent, const std::optional<ServerVersions>& versions)
{
    QMessageBox::about(parent, QObject::tr("About Agent Console"), aboutText(versions));
}

} // namespace ac::ui
