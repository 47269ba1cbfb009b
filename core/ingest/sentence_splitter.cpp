#include "ingest/sentence_splitter.h"

#include "ingest/token_counter.h"

#include <QSet>

namespace ac::ingest {

namespace {

bool isAbbreviation(QStringView word)
{
    static const QSet<QString> known{QStringLiteral("e.g"), QStringLiteral("i.e"), QStringLiteral("etc"),
                                     QStringLiteral("mr"), QStringLiteral("mrs"), QStringLiteral("ms"),
                                     QStringLiteral("dr"), QStringLiteral("vs"), QStringLiteral("no"),
                                     QStringLiteral("approx"), QStringLiteral("inc"), QStringLiteral("ltd"),
                                     QStringLiteral("co"), QStringLiteral("st"), QStringLiteral("fig")};
    QString w = word.toString().toLower();
    while (w.endsWith(QLatin1Char('.')))
        w.chop(1);
    return w.size() == 1 || known.contains(w);
}

bool isCloser(QChar c)
{
    return c == QLatin1Char('"') || c == QLatin1Char('\'') || c == QLatin1Char(')') || c == QLatin1Char(']')
        || c == QChar(0x201D) || c == QChar(0x2019);
}

} // namespace

QStringList splitSentences(const QString& text)
{
    const QString s = text.simplified();
    QStringList out;
    qsizetype start = 0;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        if (c != QLatin1Char('.') && c != QLatin1Char('!') && c != QLatin1Char('?'))
            continue;
        qsizetype end = i + 1;
        while (end < s.size() && (s[end] == QLatin1Char('.') || s[end] == QLatin1Char('!')
                                  || s[end] == QLatin1Char('?') || isCloser(s[end])))
            ++end;
        if (end < s.size() && s[end] != QLatin1Char(' '))
            continue;  // "4.5", "acme.example", "/account/reset."
        if (c == QLatin1Char('.')) {
            const qsizetype wordStart = s.lastIndexOf(QLatin1Char(' '), i) + 1;
            if (wordStart >= start && isAbbreviation(QStringView(s).mid(wordStart, i - wordStart)))
                continue;
        }
        const QString sentence = s.mid(start, end - start).trimmed();
        if (!sentence.isEmpty())
            out << sentence;
        start = end;
        i = end - 1;
    }
    const QString tail = s.mid(start).trimmed();
    if (!tail.isEmpty())
        out << tail;
    return out;
}

QStringList splitWords(const QString& sentence, int maxTokens)
{
    QStringList out;
    QString current;
    int currentTokens = 0;
    for (const QString& word : sentence.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const int tokens = countTokens(word);
        if (!current.isEmpty() && currentTokens + tokens > maxTokens) {
            out << current;
            current.clear();
            currentTokens = 0;
        }
        if (!current.isEmpty())
            current += QLatin1Char(' ');
        current += word;
        currentTokens += tokens;
    }
    if (!current.isEmpty())
        out << current;
    return out;
}

} // namespace ac::ingest
