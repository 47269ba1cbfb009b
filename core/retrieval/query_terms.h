#pragma once

#include <QString>
#include <QStringList>

namespace ac::retrieval {

// The meaningful parts of a query or pasted message, in first-seen order, lower-cased.
struct QueryTerms {
    QStringList words;        // stop words removed, de-duplicated
    QStringList identifiers;  // tokens carrying a digit: order numbers, SKUs ("4821", "wid-blu-01")
    QStringList phrases;      // adjacent word pairs of the original text ("blue widget")
};

// Lower-cased tokens: runs of letters and digits, keeping inner hyphens ("wid-blu-01").
QStringList tokenize(const QString& text);

// The same tokens, handed one at a time to `f(const QString&)` in a reused buffer (copy what you
// keep): the reranker reads thousands of tokens per query without allocating a list of them.
template <class F>
void forEachToken(const QString& text, F&& f)
{
    QString current;
    current.reserve(32);
    const auto flush = [&] {
        while (current.endsWith(QLatin1Char('-')))
            current.chop(1);
        if (!current.isEmpty())
            f(static_cast<const QString&>(current));
        current.resize(0);
    };
    for (QChar c : text) {
        if (c.isLetterOrNumber())
            current += c.toLower();
        else if (c == QLatin1Char('-') && !current.isEmpty() && !current.endsWith(QLatin1Char('-')))
            current += c;
        else
            flush();
    }
    flush();
}

// A light, deterministic suffix stripper so "refunds" meets "refund"; both sides use it.
QString stemWord(const QString& word);

// Tokens hold only letters, digits and inner hyphens, so joined with " | " or " & " they form a
// to_tsquery text that cannot carry other operators; the server stems each term.
QueryTerms extractQueryTerms(const QString& text, int maxTerms = 32);

} // namespace ac::retrieval
