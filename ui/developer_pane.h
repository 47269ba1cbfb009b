#pragma once

#include "console_types.h"

#include <QDockWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QSplitter;
class QStackedWidget;
class QTabBar;
class QToolButton;
class QTreeWidget;

namespace ac::ui {

class PlanTreeView;
class ScoreTable;
class TimingView;

// The developer's view of the question that just ran: plan trees with hot nodes, warnings, the raw
// plan text and JSON, scores with bars, the settings used, and per-stage timing. It collapses to its
// tab row (the toggle beside the tabs, or choosing a tab expands it again) and keeps its own layout
// through saveLayout/restoreLayout.
class DeveloperPane : public QDockWidget {
    Q_OBJECT
public:
    explicit DeveloperPane(QWidget* parent = nullptr);

    void showAnswer(const AskAnswer& answer);
    void clearAnswer();

    PlanTreeView* planTree() const { return planTree_; }
    QStringList warnings() const;
    QString rawPlanText() const;
    QString rawPlanJson() const;
    QStringList settings() const;  // "name = value"
    TimingView* timing() const { return timing_; }
    ScoreTable* scores() const { return scores_; }
    QString scoresLegend() const;

    bool isCollapsed() const { return collapsed_; }
    void setCollapsed(bool collapsed);
    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray& layout);

signals:
    void collapsedChanged(bool collapsed);

private:
    QTabBar* tabBar_;
    QToolButton* collapse_;
    QStackedWidget* pages_;
    QSplitter* planPage_;
    QLabel* legend_;
    PlanTreeView* planTree_;
    QListWidget* warnings_;
    ScoreTable* scores_;
    TimingView* timing_;
    QTreeWidget* settings_;
    QPlainTextEdit* planText_;
    QPlainTextEdit* planJson_;
    bool collapsed_ = false;
    int expandedHeight_ = 0;
};

} // namespace ac::ui
