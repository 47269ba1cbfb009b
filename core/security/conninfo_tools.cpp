#include "security/conninfo_tools.h"

#include "db/db_error.h"

#include <QStringList>

#include <libpq-fe.h>

#include <memory>

namespace ac::security {

namespace {

using OptionList = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

OptionList parse(const QString& conninfo)
{
    char* error = nullptr;
    const QByteArray utf8 = conninfo.toUtf8();
    PQconninfoOption* options = PQconninfoParse(utf8.constData(), &error);
    if (error != nullptr)
        PQfreemem(error);  // libpq's message may quote the string, password included
    if (options == nullptr)
        throw db::DbError(QStringLiteral("the connection settings do not parse as a libpq conninfo string or URI"),
                          QString::fromLatin1(db::sqlstate::kInvalidParameterValue));
    return OptionList(options, &PQconninfoFree);
}

QString quote(const QString& value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

// Every option but the password, `user` replaced unless null, then `password` when given.
QString rebuild(const OptionList& options, const QString& user, const QString* password)
{
    QStringList parts;
    for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
        const QString keyword = QString::fromLatin1(o->keyword);
        if (keyword == QLatin1String("user") && !user.isNull())
            continue;
        if (keyword == QLatin1String("password"))
            continue;
        if (o->val != nullptr)
            parts << keyword + QLatin1Char('=') + quote(QString::fromUtf8(o->val));
    }
    if (!user.isNull())
        parts << QStringLiteral("user=") + quote(user);
    if (password != nullptr && !password->isEmpty())
        parts << QStringLiteral("password=") + quote(*password);
    return parts.join(QLatin1Char(' '));
}

} // namespace

QString conninfoWithUser(const QString& conninfo, const QString& user, const QString& password)
{
    const OptionList options = parse(conninfo);
    // An empty password keeps libpq's own lookup (PGPASSWORD, .pgpass), never the original's.
    return rebuild(options, user.isNull() ? QStringLiteral("") : user, &password);
}

QString redactConninfo(const QString& conninfo)
{
    try {
        return rebuild(parse(conninfo), QString(), nullptr);
    } catch (const db::DbError&) {
        return QStringLiteral("(unparseable connection settings)");
    }
}

} // namespace ac::security
