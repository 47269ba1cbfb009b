#pragma once

#include "console_types.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace ac::ui {

// Which items of an answer one agent sees and the other does not, split by why: the other agent
// may not read it (its ACL does not overlap the other's tokens; ticket history is filtered by ACL
// alone), or may read it but it ranked outside the other's top k.
struct AnswerDifference {
    QStringList onlyLeft;   // display labels: citations, "[Ticket t3] (history)", "[Order #4821]"
    QStringList onlyRight;
    QStringList both;
    QStringList hiddenFromRight;  // of onlyLeft: the right agent may not read these
    QStringList hiddenFromLeft;
};
AnswerDifference compareAnswers(const AskAnswer& left, const AskAnswer& right);

// The same message run as two agents side by side, with what each sees that the other does not.
class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);

    void setLeftAgent(const QString& name);
    void setRightAgent(const QString& name);  // empty: no second agent logged in yet
    void showLeft(const AskAnswerPtr& answer);
    void showRight(const AskAnswerPtr& answer);
    void showStatus(const QString& message);
    void clearAnswers();
    QStringList leftItems() const;   // plain text of every row, for tests and accessibility
    QStringList rightItems() const;
    QString summary() const;

signals:
    void chooseAgentRequested();
    void compareRequested();

private:
    void render();

    QLabel* summary_;
    QLabel* leftTitle_;
    QLabel* rightTitle_;
    QListWidget* left_;
    QListWidget* right_;
    QPushButton* chooseAgent_;
    QPushButton* run_;
    QString leftName_;
    QString rightName_;
    AskAnswerPtr leftAnswer_;
    AskAnswerPtr rightAnswer_;
};

} // namespace ac::ui
