#include "draft_pane.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QTextCursor>
#include <QUrl>
#include <QVBoxLayout>

namespace ac::ui {

namespace {

// The draft as HTML: valid citations become links, removed ones are marked.
QString draftHtml(const agent::ReplyDraft& draft)
{
    QString html = draft.text.toHtmlEscaped();
    for (int i = 0; i < draft.citations.size(); ++i) {
        const QString escaped = draft.citations[i].toHtmlEscaped();
        html.replace(escaped, QStringLiteral("<a href=\"cite:%1\">%2</a>").arg(i).arg(escaped));
    }
    html.replace(QString::fromLatin1(agent::kRemovedCitation).toHtmlEscaped(),
                 QStringLiteral("<span style=\"color:#b00020\">%1</span>")
                     .arg(QString::fromLatin1(agent::kRemovedCitation).toHtmlEscaped()));
    html.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    return html;
}

} // namespace

DraftPane::DraftPane(QWidget* parent)
    : QWidget(parent), text_(new QTextBrowser(this)), status_(new QLabel(this)), warnings_(new QLabel(this)),
      stop_(new QPushButton(tr("Stop"), this)), regenerate_(new QPushButton(tr("Regenerate"), this)),
      copy_(new QPushButton(tr("Copy reply"), this))
{
    setObjectName(QStringLiteral("draftPane"));
    text_->setObjectName(QStringLiteral("draftText"));
    text_->setOpenLinks(false);
    text_->setAccessibleName(tr("Suggested reply"));
    status_->setObjectName(QStringLiteral("draftStatus"));
    warnings_->setObjectName(QStringLiteral("draftWarnings"));
    warnings_->setWordWrap(true);
    warnings_->setStyleSheet(QStringLiteral("color:#b00020"));
    warnings_->hide();
    stop_->setObjectName(QStringLiteral("draftStop"));
    regenerate_->setObjectName(QStringLiteral("draftRegenerate"));
    copy_->setObjectName(QStringLiteral("draftCopy"));
    stop_->setEnabled(false);
    regenerate_->setEnabled(false);
    copy_->setEnabled(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(status_, 1);
    buttons->addWidget(stop_);
    buttons->addWidget(regenerate_);
    buttons->addWidget(copy_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(warnings_);
    layout->addWidget(text_, 1);

    connect(text_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        bool ok = false;
        const int index = url.path().toInt(&ok);
        if (url.scheme() == QLatin1String("cite") && ok && index >= 0 && index < draft_.citations.size())
            emit citationActivated(draft_.citations[index]);
    });
    connect(stop_, &QPushButton::clicked, this, &DraftPane::stopRequested);
    connect(regenerate_, &QPushButton::clicked, this, &DraftPane::regenerateRequested);
    connect(copy_, &QPushButton::clicked, this, &DraftPane::copy);
    clear(tr("Ask to get a suggested reply built from the cited context."));
}

void DraftPane::clear(const QString& message)
{
    draft_ = {};
    receiving_ = false;
    text_->setPlainText(message);
    status_->clear();
    warnings_->hide();
    stop_->setEnabled(false);
    regenerate_->setEnabled(false);
    copy_->setEnabled(false);
}

void DraftPane::startDraft()
{
    clear();
    status_->setText(tr("Drafting..."));
    stop_->setEnabled(true);
}

void DraftPane::appendPiece(const QString& piece)
{
    if (!receiving_)
        text_->clear();
    receiving_ = true;
    text_->moveCursor(QTextCursor::End);
    text_->insertPlainText(piece);  // appends: no re-layout of the whole draft per token
}

void DraftPane::showDraft(const agent::ReplyDraft& draft)
{
    draft_ = draft;
    text_->setHtml(draftHtml(draft));
    const QString who = draft.generator == QLatin1String("template")
        ? tr("Template draft (offline, built from the top cited passage and the order)")
        : tr("Drafted by %1 in %2 ms (first words after %3 ms)").arg(draft.model).arg(draft.totalMs, 0, 'f', 0)
              .arg(draft.firstTokenMs, 0, 'f', 0);
    status_->setText(who);
    QStringList warnings;
    if (!draft.error.isEmpty())
        warnings << tr("The language model could not be reached, so this is the template draft.");
    if (!draft.removed.isEmpty())
        warnings << tr("%n citation(s) to sources outside your context were removed.", nullptr, int(draft.removed.size()));
    if (!draft.unsupported.isEmpty())
        warnings << tr("Not backed by a citation, check before sending: %1").arg(draft.unsupported.join(QLatin1Char(' ')));
    if (draft.flags.contains(QLatin1String("truncated")))
        warnings << tr("The draft was cut off before it ended.");
    if (draft.flags.contains(QLatin1String("cancelled")))
        warnings << tr("Stopped: this is the part that had arrived.");
    warnings_->setText(warnings.join(QLatin1Char('\n')));
    warnings_->setVisible(!warnings.isEmpty());
    if (!draft.error.isEmpty())
        warnings_->setToolTip(draft.error);
    stop_->setEnabled(false);
    regenerate_->setEnabled(true);
    copy_->setEnabled(!draft.text.isEmpty());
}

void DraftPane::showError(const QString& message)
{
    status_->setText(tr("No draft"));
    warnings_->setText(message);
    warnings_->show();
    stop_->setEnabled(false);
    regenerate_->setEnabled(true);
}

QString DraftPane::shownText() const { return draft_.text; }

QString DraftPane::statusText() const { return status_->text(); }

void DraftPane::copy()
{
    QApplication::clipboard()->setText(shownText());
}

} // namespace ac::ui
