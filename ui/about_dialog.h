#pragma once

#include "console_types.h"

#include <QMessageBox>

namespace ac::ui {

// Versions of everything the console runs on: the app, Qt, libpq, the server and pgvector.
QString aboutText(const std::optional<ServerVersions>& versions);
void showAboutDialog(QWidget* parent, const std::optional<ServerVersions>& versions);

} // namespace ac::ui
