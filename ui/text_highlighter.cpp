#include "text_highlighter.h"

#include "retrieval/query_terms.h"

#include <QRegularExpression>

namespace ac::ui {

namespace {

const QRegularExpression& wordPattern()
{
    static const QRegularExpression pattern(QStringLiteral("[\\p{L}\\p{N}]+(?:-[\\p{L}\\p{N}]+)*"));
    return pattern;
}

} // namespace

TextHighlighter::TextHighlighter(const QString& query)
{
    const retrieval::QueryTerms terms = retrieval::extractQueryTerms(query, 64);
    for (const QString& word : terms.words)
        stems_.insert(retrieval::stemWord(word));
    for (const QString& id : terms.identifiers)
        stems_.insert(id.toLower());
}

QString TextHighlighter::toHtml(const QString& text) const
{
    QString html;
    qsizetype last = 0;
    auto it = wordPattern().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const QString word = m.captured().toLower();
        if (!stems_.contains(word) && !stems_.contains(retrieval::stemWord(word)))
            continue;
        html += escapeHtml(text.mid(last, m.capturedStart() - last));
        html += QStringLiteral("<span style=\"background-color:#ffe27a;color:#000\">%1</span>").arg(escapeHtml(m.captured()));
        last = m.capturedEnd();
    }
    html += escapeHtml(text.mid(last));
    return html;
}

QStringList TextHighlighter::matchedTerms(const QString& text) const
{
    QStringList out;
    auto it = wordPattern().globalMatch(text);
    while (it.hasNext()) {
        const QString word = it.next().captured().toLower();
        if ((stems_.contains(word) || stems_.contains(retrieval::stemWord(word))) && !out.contains(word))
            out << word;
    }
    return out;
}

QString escapeHtml(const QString& text)
{
    return text.toHtmlEscaped().replace(QLatin1Char('\n'), QLatin1String("<br>"));
}

} // namespace ac::ui
