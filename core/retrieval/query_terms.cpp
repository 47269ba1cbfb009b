#include "retrieval/query_terms.h"

#include <QSet>

namespace ac::retrieval {

namespace {

const QSet<QString>& stopWords()
{
    static const QSet<QString> words = {
        QStringLiteral("a"),     QStringLiteral("about"), QStringLiteral("again"), QStringLiteral("all"),
        QStringLiteral("am"),    QStringLiteral("an"),    QStringLiteral("and"),   QStringLiteral("any"),
        QStringLiteral("are"),   QStringLiteral("as"),    QStringLiteral("at"),    QStringLiteral("be"),
        QStringLiteral("been"),  QStringLiteral("but"),   QStringLiteral("by"),    QStringLiteral("can"),
        QStringLiteral("could"), QStringLiteral("did"),   QStringLiteral("do"),    QStringLiteral("does"),
        QStringLiteral("for"),   QStringLiteral("from"),  QStringLiteral("get"),   QStringLiteral("got"),
        QStringLiteral("had"),   QStringLiteral("has"),   QStringLiteral("have"),  QStringLiteral("hello"),
        QStringLiteral("hi"),    QStringLiteral("how"),   QStringLiteral("i"),     QStringLiteral("if"),
        QStringLiteral("in"),    QStringLiteral("into"),  QStringLiteral("is"),    QStringLiteral("it"),
        QStringLiteral("its"),   QStringLiteral("just"),  QStringLiteral("me"),    QStringLiteral("my"),
        QStringLiteral("never"), QStringLiteral("no"),    QStringLiteral("not"),   QStringLiteral("of"),
        QStringLiteral("on"),    QStringLiteral("or"),    QStringLiteral("our"),   QStringLiteral("please"),
        QStringLiteral("show"),  QStringLiteral("so"),    QStringLiteral("still"), QStringLiteral("that"),
        QStringLiteral("the"),   QStringLiteral("their"), QStringLiteral("them"),  QStringLiteral("then"),
        QStringLiteral("there"), QStringLiteral("these"), QStringLiteral("they"),  QStringLiteral("this"),
        QStringLiteral("to"),    QStringLiteral("too"),   QStringLiteral("was"),   QStringLiteral("we"),
        QStringLiteral("were"),  QStringLiteral("what"),  QStringLiteral("when"),  QStringLiteral("where"),
        QStringLiteral("which"), QStringLiteral("who"),   QStringLiteral("why"),   QStringLiteral("will"),
        QStringLiteral("with"),  QStringLiteral("would"), QStringLiteral("you"),   QStringLiteral("your"),
        QStringLiteral("thanks"), QStringLiteral("thank"), QStringLiteral("yet"),  QStringLiteral("s"),
        QStringLiteral("t"),
    };
    return words;
}

bool hasDigit(const QString& token)
{
    for (QChar c : token)
        if (c.isDigit())
            return true;
    return false;
}

} // namespace

QStringList tokenize(const QString& text)
{
    QStringList tokens;
    forEachToken(text, [&tokens](const QString& token) { tokens << token; });
    return tokens;
}

QString stemWord(const QString& word)
{
    QString w = word;
    if (hasDigit(w) || w.size() <= 3)
        return w;
    if (w.endsWith(QLatin1String("ies")) && w.size() > 4)
        return w.chopped(3) + QLatin1Char('y');
    if (w.endsWith(QLatin1String("sses")))
        return w.chopped(2);
    if (w.endsWith(QLatin1String("ing")) && w.size() > 5)
        return w.chopped(3);
    if (w.endsWith(QLatin1String("ed")) && w.size() > 4)
        return w.chopped(2);
    if (w.endsWith(QLatin1Char('s')) && !w.endsWith(QLatin1String("ss")) && !w.endsWith(QLatin1String("us")))
        return w.chopped(1);
    return w;
}

QueryTerms extractQueryTerms(const QString& text, int maxTerms)
{
    QueryTerms terms;
    QSet<QString> seen;
    QString previous;
    for (const QString& token : tokenize(text)) {
        const bool identifier = hasDigit(token);
        const bool stop = !identifier && stopWords().contains(token);
        if (stop || (!identifier && token.size() < 2)) {
            previous.clear();
            continue;
        }
        if (!previous.isEmpty()) {
            const QString phrase = previous + QLatin1Char(' ') + token;
            if (!terms.phrases.contains(phrase))
                terms.phrases << phrase;
        }
        previous = token;
        if (seen.contains(token) || terms.words.size() + terms.identifiers.size() >= maxTerms)
            continue;
        seen.insert(token);
        (identifier ? terms.identifiers : terms.words) << token;
    }
    return terms;
}

} // namespace ac::retrieval
