#include "source_viewer.h"

#include <QRegularExpression>
#include <QTextCursor>

namespace ac::ui {

std::pair<qsizetype, qsizetype> locateChunk(const QString& body, const QString& chunkText)
{
    const QString needle = chunkText.trimmed();
    if (needle.isEmpty())
        return {-1, 0};
    const qsizetype exact = body.indexOf(needle);
    if (exact >= 0)
        return {exact, needle.size()};
    // The chunker may have re-flowed whitespace or dropped markup: match word by word. A ticket
    // chunk labels each turn ("Customer: ...") where the conversation shows "customer (date):",
    // so labels are left out of the words and the conversation's turn headers may sit between them.
    static const QRegularExpression turnLabel(QStringLiteral("^[A-Z][a-z]+:$"));
    QStringList words;
    for (const QString& w : needle.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
        if (!turnLabel.match(w).hasMatch())
            words << QRegularExpression::escape(w);
    if (words.size() > 40)
        words = words.mid(0, 40);
    if (words.isEmpty())
        return {-1, 0};
    const QRegularExpression pattern(words.join(QStringLiteral("(?:[\\s#*>_`-]|\\w+ \\([^)\\n]*\\):)+")));
    const QRegularExpressionMatch m = pattern.match(body);
    if (m.hasMatch()) {
        const qsizetype start = m.capturedStart();
        const qsizetype length = std::min(body.size() - start, std::max(m.capturedLength(), needle.size()));
        return {start, length};
    }
    return {-1, 0};
}

SourceViewer::SourceViewer(QWidget* parent) : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("sourceViewer"));
    setAccessibleName(tr("Source document"));
    setOpenLinks(false);
    showMessage(tr("Select a cited chunk to read its whole source here."));
}

void SourceViewer::showLoading(const retrieval::RetrievedChunk& chunk)
{
    showMessage(tr("Loading %1…").arg(chunk.citation));
}

void SourceViewer::showMessage(const QString& message)
{
    sourceId_.clear();
    setHtml(QStringLiteral("<p style=\"color:#777\"><i>%1</i></p>").arg(message.toHtmlEscaped()));
}

void SourceViewer::showSource(const SourceDocument& source, const QString& chunkText)
{
    sourceId_ = source.sourceId;
    const auto [start, length] = locateChunk(source.body, chunkText);
    QString body;
    if (start >= 0) {
        body = source.body.left(start).toHtmlEscaped()
            + QStringLiteral("<a name=\"chunk\"></a><span style=\"background-color:#fff1a8;color:#000\">")
            + source.body.mid(start, length).toHtmlEscaped() + QStringLiteral("</span>")
            + source.body.mid(start + length).toHtmlEscaped();
    } else {
        body = source.body.toHtmlEscaped();
    }
    QString header = QStringLiteral("<h3>%1</h3><p style=\"color:#666\">%2 %3 · ACL: %4%5</p>")
                         .arg(source.title.toHtmlEscaped(), source.sourceType, source.sourceId,
                              source.acl.join(QStringLiteral(", ")).toHtmlEscaped(),
                              source.status.isEmpty() ? QString() : QStringLiteral(" · status %1").arg(source.status));
    setHtml(header + QStringLiteral("<div style=\"white-space:pre-wrap\">") + body + QStringLiteral("</div>"));
    if (start >= 0)
        scrollToAnchor(QStringLiteral("chunk"));
}

} // namespace ac::ui
