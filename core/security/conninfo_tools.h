#pragma once

#include <QString>

namespace ac::security {

// Rewrites a conninfo string or URI as keyword=value pairs with `user` replaced and, when
// non-empty, `password` set. Throws db::DbError (22023) when the conninfo does not parse.
QString conninfoWithUser(const QString& conninfo, const QString& user, const QString& password = {});

// The conninfo with any password removed, for titles, logs and error messages.
QString redactConninfo(const QString& conninfo);

} // namespace ac::security
