#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace ac::ui {

// Marks the words of a text that match the query's terms (compared by the same light stemming the
// lexical leg uses), producing escaped HTML for the result cards.
class TextHighlighter {
public:
    explicit TextHighlighter(const QString& query = {});

    QString toHtml(const QString& text) const;              // matches wrapped in a highlight span
    QStringList matchedTerms(const QString& text) const;    // the words of text that matched
    bool isEmpty() const { return stems_.isEmpty(); }

private:
    QSet<QString> stems_;
};

// Escapes text for rich text labels, keeping line breaks.
QString escapeHtml(const QString& text);

} // namespace ac::ui
