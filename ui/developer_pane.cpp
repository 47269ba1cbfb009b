#include "developer_pane.h"

#include "plan_tree_view.h"
#include "retrieval/plan_tree.h"
#include "score_table.h"
#include "timing_view.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
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
    : QDockWidget(tr("Developer"), parent), tabs_(new QTabWidget(this)), planTree_(new PlanTreeView(this)),
      warnings_(new QListWidget(this)), scores_(new ScoreTable(this)), timing_(new TimingView(this)),
      settings_(new QTreeWidget(this)), planText_(monospaceView(this, tr("Plan text"))),
      planJson_(monospaceView(this, tr("Plan JSON")))
{
    setObjectName(QStringLiteral("developerPane"));
    setAccessibleName(tr("Developer pane"));
    warnings_->setObjectName(QStringLiteral("planWarnings"));
    warnings_->setAccessibleName(tr("Plan warnings"));
    settings_->setObjectName(QStringLiteral("retrievalSettings"));
    settings_->setAccessibleName(tr("Retrieval settings"));
    settings_->setHeaderLabels({tr("Setting"), tr("Value")});
    settings_->setRootIsDecorated(false);
    settings_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);

    auto* planPage = new QSplitter(Qt::Vertical, this);
    planPage->addWidget(warnings_);
    planPage->addWidget(planTree_);
    planPage->setStretchFactor(1, 1);
    planPage->setSizes({70, 230});

    tabs_->addTab(planPage, tr("&Plan"));
    tabs_->addTab(scores_, tr("Sc&ores"));
    tabs_->addTab(timing_, tr("&Timing"));
    tabs_->addTab(settings_, tr("Setti&ngs"));
    tabs_->addTab(planText_, tr("Plan te&xt"));
    tabs_->addTab(planJson_, tr("Plan &JSON"));
    setWidget(tabs_);
    clearAnswer();
}

void DeveloperPane::showAnswer(const AskAnswer& answer)
{
    planTree_->showPlans(answer.plans);
    warnings_->clear();
    const QStringList warnings = collectWarnings(answer);
    const QIcon icon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const QString& w : warnings)
        new QListWidgetItem(icon, w, warnings_);
    if (warnings.isEmpty())
        new QListWidgetItem(style()->standardIcon(QStyle::SP_DialogApplyButton), tr("No plan warnings."), warnings_);
    scores_->showScores(answer.pack.chunks);
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
