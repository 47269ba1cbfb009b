#include "compare_view.h"

#include "result_card.h"
#include "rich_text_delegate.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <optional>

namespace ac::ui {

namespace {

struct Row {
    QString key;
    QString label;
    QString detail;
    std::optional<QStringList> acl;  // chunks: who may read it; null: filtered by ACL alone
};

bool readableBy(const Row& row, const QStringList& tokens)
{
    if (!row.acl)
        return false;
    return std::any_of(row.acl->begin(), row.acl->end(), [&](const QString& t) { return tokens.contains(t); });
}

std::vector<Row> rowsOf(const AskAnswer& answer)
{
    std::vector<Row> rows;
    for (const retrieval::RetrievedChunk& c : answer.pack.chunks)
        rows.push_back({QStringLiteral("chunk:%1:%2:%3").arg(c.sourceType, c.sourceId).arg(c.chunkIndex), c.citation,
                        QStringLiteral("#%1 %2 — %3").arg(c.rank).arg(chunkLocation(c), c.text.simplified().left(140)), c.acl});
    for (const agent::TicketFact& t : answer.pack.tickets)
        rows.push_back({QStringLiteral("ticket:%1").arg(t.ticketId), QStringLiteral("%1 (history)").arg(t.citation),
                        QStringLiteral("%1, %2: %3").arg(t.status, t.category, t.openingMessage), std::nullopt});
    for (const agent::OrderFacts& o : answer.pack.orders)
        rows.push_back({QStringLiteral("order:%1").arg(o.orderNumber), o.citation,
                        QStringLiteral("%1, refund %2").arg(o.status, o.refundState), QStringList()});
    return rows;
}

void fill(QListWidget* list, const AskAnswer* answer, const AskAnswer* other, const QString& otherName)
{
    list->clear();
    if (!answer)
        return;
    QStringList otherKeys;
    if (other)
        for (const Row& r : rowsOf(*other))
            otherKeys << r.key;
    for (const Row& r : rowsOf(*answer)) {
        const bool only = other && !otherKeys.contains(r.key);
        auto* item = new QListWidgetItem(list);
        QString html = QStringLiteral("<b>%1</b>").arg(r.label.toHtmlEscaped());
        if (only && !readableBy(r, other->pack.agent.aclTokens))
            html += QStringLiteral(" <span style=\"background-color:#f66151;color:#000\">&nbsp;%1&nbsp;</span>")
                        .arg(QObject::tr("%1 may not read this").arg(otherName).toHtmlEscaped());
        else if (only)
            html += QStringLiteral(" <span style=\"background-color:#f6d32d;color:#000\">&nbsp;%1&nbsp;</span>")
                        .arg(QObject::tr("outside %1's top results").arg(otherName).toHtmlEscaped());
        html += QStringLiteral("<br><span class=\"meta\">%1</span>").arg(r.detail.toHtmlEscaped());
        item->setData(RichTextDelegate::kHtmlRole, html);
        item->setData(Qt::AccessibleTextRole, QStringLiteral("%1 %2").arg(r.label, r.detail));
        item->setData(Qt::UserRole, QStringLiteral("%1 %2").arg(r.label, r.detail));
    }
}

QStringList itemsOf(const QListWidget* list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        out << list->item(i)->data(Qt::UserRole).toString();
    return out;
}

} // namespace

AnswerDifference compareAnswers(const AskAnswer& left, const AskAnswer& right)
{
    AnswerDifference diff;
    const std::vector<Row> l = rowsOf(left);
    const std::vector<Row> r = rowsOf(right);
    auto contains = [](const std::vector<Row>& rows, const QString& key) {
        return std::any_of(rows.begin(), rows.end(), [&](const Row& row) { return row.key == key; });
    };
    for (const Row& row : l) {
        (contains(r, row.key) ? diff.both : diff.onlyLeft) << row.label;
        if (!contains(r, row.key) && !readableBy(row, right.pack.agent.aclTokens))
            diff.hiddenFromRight << row.label;
    }
    for (const Row& row : r) {
        if (contains(l, row.key))
            continue;
        diff.onlyRight << row.label;
        if (!readableBy(row, left.pack.agent.aclTokens))
            diff.hiddenFromLeft << row.label;
    }
    for (QStringList* list : {&diff.onlyLeft, &diff.onlyRight, &diff.both, &diff.hiddenFromRight, &diff.hiddenFromLeft})
        list->removeDuplicates();
    return diff;
}

CompareView::CompareView(QWidget* parent)
    : QWidget(parent), summary_(new QLabel(this)), leftTitle_(new QLabel(this)), rightTitle_(new QLabel(this)),
      left_(new QListWidget(this)), right_(new QListWidget(this)),
      chooseAgent_(new QPushButton(tr("Log in &second agent…"), this)), run_(new QPushButton(tr("&Compare"), this))
{
    setObjectName(QStringLiteral("compareView"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setAccessibleName(tr("Comparison summary"));
    for (QListWidget* list : {left_, right_}) {
        list->setItemDelegate(new RichTextDelegate(list));
        list->setWordWrap(true);
        list->setResizeMode(QListView::Adjust);
        list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
        list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    }
    left_->setObjectName(QStringLiteral("compareLeft"));
    right_->setObjectName(QStringLiteral("compareRight"));
    run_->setToolTip(tr("Run the message as both agents (Ctrl+Shift+Return)"));
    connect(chooseAgent_, &QPushButton::clicked, this, &CompareView::chooseAgentRequested);
    connect(run_, &QPushButton::clicked, this, &CompareView::compareRequested);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(chooseAgent_);
    buttons->addWidget(run_);
    buttons->addStretch();
    auto* columns = new QHBoxLayout;
    for (auto [title, list] : {std::pair{leftTitle_, left_}, std::pair{rightTitle_, right_}}) {
        auto* column = new QVBoxLayout;
        column->addWidget(title);
        column->addWidget(list);
        columns->addLayout(column);
    }
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(summary_);
    layout->addLayout(columns, 1);
    setRightAgent({});
}

void CompareView::setLeftAgent(const QString& name)
{
    leftName_ = name;
    left_->setAccessibleName(tr("What %1 sees").arg(name));
    clearAnswers();
}

void CompareView::setRightAgent(const QString& name)
{
    rightName_ = name;
    right_->setAccessibleName(tr("What %1 sees").arg(name));
    run_->setEnabled(!name.isEmpty());
    clearAnswers();
}

void CompareView::showLeft(const AskAnswerPtr& answer)
{
    leftAnswer_ = answer;
    render();
}

void CompareView::showRight(const AskAnswerPtr& answer)
{
    rightAnswer_ = answer;
    render();
}

void CompareView::showStatus(const QString& message)
{
    summary_->setText(message);
}

void CompareView::clearAnswers()
{
    leftAnswer_.reset();
    rightAnswer_.reset();
    render();
    if (rightName_.isEmpty())
        summary_->setText(tr("Log in a second agent to run the same message as both and see what each may read."));
}

void CompareView::render()
{
    leftTitle_->setText(QStringLiteral("<b>%1</b>").arg(leftName_.toHtmlEscaped()));
    rightTitle_->setText(QStringLiteral("<b>%1</b>").arg(rightName_.isEmpty() ? tr("(no second agent)") : rightName_.toHtmlEscaped()));
    const bool both = leftAnswer_ && rightAnswer_ && leftAnswer_->message == rightAnswer_->message;
    fill(left_, leftAnswer_.get(), both ? rightAnswer_.get() : nullptr, rightName_);
    fill(right_, rightAnswer_.get(), both ? leftAnswer_.get() : nullptr, leftName_);
    if (!both) {
        if (!rightName_.isEmpty() && leftAnswer_ && (!rightAnswer_ || rightAnswer_->message != leftAnswer_->message))
            summary_->setText(tr("Compare (Ctrl+Shift+Enter) runs this message as %1 too.").arg(rightName_));
        return;
    }
    const AnswerDifference diff = compareAnswers(*leftAnswer_, *rightAnswer_);
    auto sentence = [](const QString& who, const QString& other, const QStringList& items) {
        return items.isEmpty() ? tr("%1 sees nothing that %2 may not read.").arg(who, other)
                               : tr("%1 sees %2 item(s) that %3 may not read: %4.").arg(who).arg(items.size()).arg(other, items.join(QStringLiteral(", ")));
    };
    QStringList rankedOnly;
    for (const QString& label : diff.onlyLeft + diff.onlyRight)
        if (!diff.hiddenFromRight.contains(label) && !diff.hiddenFromLeft.contains(label))
            rankedOnly << label;
    rankedOnly.removeDuplicates();
    summary_->setText(QStringLiteral("<b>%1</b><br><b>%2</b><br>%3 %4")
                          .arg(sentence(leftName_, rightName_, diff.hiddenFromRight).toHtmlEscaped(),
                               sentence(rightName_, leftName_, diff.hiddenFromLeft).toHtmlEscaped(),
                               tr("Both see %1 item(s).").arg(diff.both.size()),
                               rankedOnly.isEmpty() ? QString()
                                                    : tr("Readable by both but ranked differently: %1.").arg(rankedOnly.join(QStringLiteral(", ")).toHtmlEscaped())));
}

QStringList CompareView::leftItems() const
{
    return itemsOf(left_);
}

QStringList CompareView::rightItems() const
{
    return itemsOf(right_);
}

QString CompareView::summary() const
{
    return summary_->text();
}

} // namespace ac::ui
