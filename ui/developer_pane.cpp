#include "developer_pane.h"

#include "plan_tree_view.h"
#include "retrieval/plan_tree.h"
#include "score_table.h"
#include "timing_view.h"

#include <QDataStream>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ac::ui {

namespace {

QStringList collectWarnings(const AskAnswer& answer)
{
    QStringList out;
    for (const retrieval::QueryPlan& plan : answer.plans)
        for (const QString& w : plan.warnings)
            out << QStringLiteral("%1 leg: %2").arg(plan.leg, w);
    const retrieval::Diagnostics& d = answer.pack.retrieval;
    if (d.underReturned)
        out << QObject::tr("Fewer than k results although more authorised rows exist.");
    for (const QString& note : d.notes)
        out << note;
    out.removeDuplicates();
    return out;
}

QString settingValue(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 10);
    return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
}

QPlainTextEdit* monospaceView(QWidget* parent, const QString& name)
{
    auto* view = new QPlainTextEdit(parent);
    view->setReadOnly(true);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setAccessibleName(name);
    return view;
}

} // namespace

DeveloperPane::DeveloperPane(QWidget* parent)
    : QDockWidget(tr("Developer"), parent), tabBar_(new QTabBar(this)), collapse_(new QToolButton(this)),
      pages_(new QStackedWidget(this)), planPage_(new QSplitter(Qt::Vertical, this)), legend_(new QLabel(this)),
      planTree_(new PlanTreeView(this)), warnings_(new QListWidget(this)), scores_(new ScoreTable(this)),
      timing_(new TimingView(this)), settings_(new QTreeWidget(this)), planText_(monospaceView(this, tr("Plan text"))),
      planJson_(monospaceView(this, tr("Plan JSON")))
{
    setObjectName(QStringLiteral("developerPane"));
    setAccessibleName(tr("Developer pane"));
    warnings_->setObjectName(QStringLiteral("planWarnings"));
    warnings_->setAccessibleName(tr("Plan warnings"));
    warnings_->setWordWrap(true);
    warnings_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    warnings_->setResizeMode(QListView::Adjust);
    settings_->setObjectName(QStringLiteral("retrievalSettings"));
    settings_->setAccessibleName(tr("Retrieval settings"));
    settings_->setHeaderLabels({tr("Setting"), tr("Value")});
    settings_->setRootIsDecorated(false);
    settings_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);

    planPage_->setObjectName(QStringLiteral("planSplitter"));
    planPage_->addWidget(warnings_);
    planPage_->addWidget(planTree_);
    planPage_->setStretchFactor(0, 1);
    planPage_->setStretchFactor(1, 3);
    planPage_->setChildrenCollapsible(false);

    legend_->setObjectName(QStringLiteral("scoresLegend"));
    legend_->setWordWrap(true);
    legend_->setTextFormat(Qt::RichText);
    auto* scoresPage = new QWidget(this);
    auto* scoresLayout = new QVBoxLayout(scoresPage);
    scoresLayout->setContentsMargins(0, 0, 0, 0);
    scoresLayout->addWidget(legend_);
    scoresLayout->addWidget(scores_, 1);

    const std::vector<std::pair<QWidget*, QString>> pages = {
        {planPage_, tr("&Plan")}, {scoresPage, tr("Sc&ores")}, {timing_, tr("&Timing")},
        {settings_, tr("Setti&ngs")}, {planText_, tr("Plan te&xt")}, {planJson_, tr("Plan &JSON")}};
    for (const auto& [page, title] : pages) {
        pages_->addWidget(page);
        tabBar_->addTab(title);
    }
    tabBar_->setObjectName(QStringLiteral("developerTabs"));
    tabBar_->setExpanding(false);
    tabBar_->setDrawBase(false);
    connect(tabBar_, &QTabBar::currentChanged, pages_, &QStackedWidget::setCurrentIndex);
    connect(tabBar_, &QTabBar::tabBarClicked, this, [this] { setCollapsed(false); });

    collapse_->setObjectName(QStringLiteral("collapseDeveloperPane"));
    collapse_->setAutoRaise(true);
    collapse_->setCheckable(true);
    collapse_->setToolTip(tr("Collapse the developer pane to its tabs, or expand it again"));
    connect(collapse_, &QToolButton::toggled, this, &DeveloperPane::setCollapsed);

    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* tabRow = new QHBoxLayout;
    tabRow->addWidget(tabBar_);
    tabRow->addStretch();
    tabRow->addWidget(collapse_);
    layout->addLayout(tabRow);
    layout->addWidget(pages_, 1);
    setWidget(content);
    setCollapsed(false);
    clearAnswer();
}

void DeveloperPane::setCollapsed(bool collapsed)
{
    const bool changed = collapsed != collapsed_;
    if (collapsed && !collapsed_)
        expandedHeight_ = height();
    collapsed_ = collapsed;
    {
        const QSignalBlocker block(collapse_);
        collapse_->setChecked(collapsed);
    }
    collapse_->setArrowType(collapsed ? Qt::UpArrow : Qt::DownArrow);
    collapse_->setAccessibleName(collapsed ? tr("Expand the developer pane") : tr("Collapse the developer pane"));
    pages_->setVisible(!collapsed);
    if (collapsed) {
        widget()->layout()->activate();
        setMaximumHeight(minimumSizeHint().height());
    } else {
        setMaximumHeight(QWIDGETSIZE_MAX);
        if (changed && expandedHeight_ > 0)
            if (auto* window = qobject_cast<QMainWindow*>(parentWidget()))
                window->resizeDocks({this}, {expandedHeight_}, Qt::Vertical);
    }
    if (changed)
        emit collapsedChanged(collapsed);
}

QByteArray DeveloperPane::saveLayout() const
{
    QByteArray out;
    QDataStream stream(&out, QIODevice::WriteOnly);
    stream << qint32(1) << collapsed_ << qint32(collapsed_ ? expandedHeight_ : height()) << qint32(tabBar_->currentIndex())
           << planPage_->saveState();
    return out;
}

void DeveloperPane::restoreLayout(const QByteArray& layout)
{
    QDataStream stream(layout);
    qint32 format = 0, height = 0, tab = 0;
    bool collapsed = false;
    QByteArray plan;
    stream >> format >> collapsed >> height >> tab >> plan;
    if (stream.status() != QDataStream::Ok || format != 1)
        return;
    planPage_->restoreState(plan);
    tabBar_->setCurrentIndex(tab);
    setCollapsed(collapsed);
    expandedHeight_ = height;
}

void DeveloperPane::showAnswer(const AskAnswer& answer)
{
    planTree_->showPlans(answer.plans);
    warnings_->clear();
    const QStringList warnings = collectWarnings(answer);
    const QIcon icon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const QString& w : warnings) {
        auto* item = new QListWidgetItem(icon, w, warnings_);
        item->setToolTip(w);
    }
    const std::optional<retrieval::RecallHealth>& recall = answer.recallHealth;
    if (recall && recall->drifting()) {
        const QString w = tr("Graph recall drift: mean recall@10 %1 over %2 probes in 24 h (below %3). Rebuild the "
                             "graphs (ragctl reindex) or raise ef_search.")
                              .arg(recall->meanRecall, 0, 'f', 3).arg(recall->probes).arg(retrieval::kRecallDriftThreshold, 0, 'f', 2);
        auto* item = new QListWidgetItem(icon, w, warnings_);
        item->setToolTip(w);
    }
    if (warnings_->count() == 0)
        new QListWidgetItem(style()->standardIcon(QStyle::SP_DialogApplyButton), tr("No plan warnings."), warnings_);
    scores_->showScores(answer.pack.chunks, answer.pack.retrieval);
    legend_->setText(scoreLegend(answer.pack.retrieval));
    timing_->showTimings(answer);

    settings_->clear();
    const retrieval::Diagnostics& d = answer.pack.retrieval;
    const std::vector<std::pair<QString, QString>> known = {
        {QStringLiteral("vector path"), d.vectorPath},
        {QStringLiteral("hnsw.ef_search"), QString::number(d.efSearch)},
        {QStringLiteral("hnsw.iterative_scan"), d.iterativeScan},
        {QStringLiteral("k (results)"), QString::number(answer.pack.chunks.size())},
        {QStringLiteral("vector candidates"), QString::number(d.vectorCandidates)},
        {QStringLiteral("lexical candidates"), QString::number(d.lexicalCandidates)},
        {QStringLiteral("rows removed by filter"), QString::number(d.rowsRemovedByFilter)},
        {QStringLiteral("authorised rows (estimate)"), QString::number(d.authorisedRowsEstimate)},
        {QStringLiteral("corpus version"), QString::number(d.corpusVersion)},
        {QStringLiteral("embedding model"), d.embeddingModel},
        {QStringLiteral("reranker"), d.reranker.isEmpty() ? tr("off") : d.reranker},
        {QStringLiteral("lexical query"), d.lexicalQuery},
        {QStringLiteral("widened"), d.widened ? tr("yes") : tr("no")},
        {QStringLiteral("read from"),
         !answer.replicationLag ? tr("primary")
                                : tr("replica, %1 bytes of WAL behind (%2 s)").arg(answer.replicationLag->bytes)
                                      .arg(answer.replicationLag->seconds, 0, 'f', 2)},
        {QStringLiteral("graph recall@10, 24 h"),
         !recall ? tr("n/a") : recall->probes == 0 ? tr("no probes yet")
                 : tr("%1 over %2 probes (min %3)").arg(recall->meanRecall, 0, 'f', 3).arg(recall->probes).arg(recall->minRecall, 0, 'f', 3)},
    };
    for (const auto& [name, value] : known)
        new QTreeWidgetItem(settings_, {name, value});
    for (auto it = d.settings.begin(); it != d.settings.end(); ++it)
        new QTreeWidgetItem(settings_, {it.key(), settingValue(it.value())});

    QStringList text;
    for (const retrieval::QueryPlan& plan : answer.plans)
        text << QStringLiteral("-- %1 leg\n%2\n\n%3").arg(plan.leg, plan.sql.trimmed(), retrieval::renderPlanText(plan));
    planText_->setPlainText(text.isEmpty() ? tr("No plan was captured.") : text.join(QStringLiteral("\n\n")));
    planJson_->setPlainText(answer.planJson ? QString::fromUtf8(QJsonDocument(*answer.planJson).toJson(QJsonDocument::Indented))
                                            : tr("No plan was captured."));
}

void DeveloperPane::clearAnswer()
{
    planTree_->clear();
    warnings_->clear();
    scores_->setRowCount(0);
    legend_->setText(tr("Ask something to see every result's scores."));
    timing_->setRowCount(0);
    settings_->clear();
    planText_->setPlainText(tr("Ask something to see its plan."));
    planJson_->clear();
}

QStringList DeveloperPane::warnings() const
{
    QStringList out;
    for (int i = 0; i < warnings_->count(); ++i)
        out << warnings_->item(i)->text();
    return out;
}

QString DeveloperPane::scoresLegend() const
{
    return legend_->text();
}

QString DeveloperPane::rawPlanText() const
{
    return planText_->toPlainText();
}

QString DeveloperPane::rawPlanJson() const
{
    return planJson_->toPlainText();
}

QStringList DeveloperPane::settings() const
{
    QStringList out;
    for (int i = 0; i < settings_->topLevelItemCount(); ++i)
        out << QStringLiteral("%1 = %2").arg(settings_->topLevelItem(i)->text(0), settings_->topLevelItem(i)->text(1));
    return out;
}

} // namespace ac::ui
