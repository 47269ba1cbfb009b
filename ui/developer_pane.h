#pragma once

#include "console_types.h"

#include <QDockWidget>

class QListWidget;
class QPlainTextEdit;
class QTabWidget;
class QTreeWidget;

namespace ac::ui {

class PlanTreeView;
class ScoreTable;
class TimingView;

// The developer's view of the question that just ran: plan trees with hot nodes, warnings, the raw
// plan text and JSON, scores with bars, the settings used, and per-stage timing.
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

private:
    QTabWidget* tabs_;
    PlanTreeView* planTree_;
    QListWidget* warnings_;
    ScoreTable* scores_;
    TimingView* timing_;
    QTreeWidget* settings_;
    QPlainTextEdit* planText_;
    QPlainTextEdit* planJson_;
};

} // namespace ac::ui
