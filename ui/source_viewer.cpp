#include "source_viewer.h"

#include <QLabel>
#include <QRegularExpression>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>

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
    // Only the first words are matched; the mark then runs for about the chunk's length.
    const bool truncated = words.size() > 40;
    if (truncated)
        words = words.mid(0, 40);
    if (words.isEmpty())
        return {-1, 0};
    const QRegularExpression pattern(words.join(QStringLiteral("(?:[\\s#*>_`-]|\\w+ \\([^)\\n]*\\):)+")));
    const QRegularExpressionMatch m = pattern.match(body);
    if (m.hasMatch()) {
        const qsizetype start = m.capturedStart();
        const qsizetype length = truncated ? std::min(body.size() - start, std::max(m.capturedLength(), needle.size()))
                                           : m.capturedLength();
        return {start, length};
    }
    return {-1, 0};
}

namespace {

const QColor kChunkMark(0xff, 0xf1, 0xa8);

// Markdown reduced to the text a reader sees, so a chunk can be found in the rendered document.
QString renderedText(const QString& markdown)
{
    QTextDocument doc;
    doc.setMarkdown(markdown);
    return doc.toPlainText();
}

} // namespace

SourceViewer::SourceViewer(QWidget* parent)
    : QWidget(parent), header_(new QLabel(this)), body_(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("sourceViewer"));
    header_->setObjectName(QStringLiteral("sourceHeader"));
    header_->setWordWrap(true);
    header_->setTextFormat(Qt::RichText);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    header_->setAccessibleName(tr("Source title"));
    body_->setObjectName(QStringLiteral("sourceBody"));
    body_->setAccessibleName(tr("Source document"));
    body_->setOpenLinks(false);
    setFocusProxy(body_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(header_);
    layout->addWidget(body_, 1);
    showMessage(tr("Select a cited chunk to read its whole source here."));
}

void SourceViewer::showLoading(const retrieval::RetrievedChunk& chunk)
{
    showMessage(tr("Loading %1…").arg(chunk.citation));
}

void SourceViewer::showMessage(const QString& message)
{
    sourceId_.clear();
    marked_.clear();
    header_->clear();
    header_->hide();
    body_->setHtml(QStringLiteral("<p><i>%1</i></p>").arg(message.toHtmlEscaped()));
}

void SourceViewer::showSource(const SourceDocument& source, const QString& chunkText)
{
    sourceId_ = source.sourceId;
    marked_.clear();
    header_->setText(QStringLiteral("<b style=\"font-size:large\">%1</b><br>%2 %3 · ACL: %4%5")
                         .arg(source.title.toHtmlEscaped(), source.sourceType.toHtmlEscaped(), source.sourceId.toHtmlEscaped(),
                              source.acl.join(QStringLiteral(", ")).toHtmlEscaped(),
                              source.status.isEmpty() ? QString() : QStringLiteral(" · status %1").arg(source.status.toHtmlEscaped())));
    header_->show();

    const bool markdown = source.sourceType == QLatin1String("document");
    if (markdown)
        body_->setMarkdown(source.body);
    else
        body_->setPlainText(source.body);
    const auto [start, length] = locateChunk(body_->toPlainText(), markdown ? renderedText(chunkText) : chunkText);
    if (start < 0) {
        body_->moveCursor(QTextCursor::Start);
        return;
    }
    QTextCursor cursor(body_->document());
    cursor.setPosition(static_cast<int>(start));
    cursor.setPosition(static_cast<int>(start + length), QTextCursor::KeepAnchor);
    marked_ = cursor.selectedText();
    QTextCharFormat mark;
    mark.setBackground(kChunkMark);
    mark.setForeground(Qt::black);
    cursor.mergeCharFormat(mark);
    // Scroll the mark's end into view, then its start: the chunk's first line ends up visible.
    QTextCursor end(body_->document());
    end.setPosition(static_cast<int>(start + length));
    body_->setTextCursor(end);
    body_->ensureCursorVisible();
    QTextCursor begin(body_->document());
    begin.setPosition(static_cast<int>(start));
    body_->setTextCursor(begin);
    body_->ensureCursorVisible();
}

QString SourceViewer::headerText() const
{
    return header_->text();
}

QString SourceViewer::toHtml() const
{
    return body_->toHtml();
}

QString SourceViewer::toPlainText() const
{
    return body_->toPlainText();
}

QString SourceViewer::markedText() const
{
    return marked_;
}

} // namespace ac::ui
