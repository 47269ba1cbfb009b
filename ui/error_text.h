#pragma once

#include <QString>

namespace ac::ui {

// The one line a person reads from a server or libpq error: the first line, without libpq's
// "ERROR:"/"FATAL:" prefix, tabs and runs of spaces collapsed, cut at about 160 characters.
// The full text stays available as the details.
QString shortErrorText(const QString& message);

} // namespace ac::ui
