import Testing
@testable import QuarryTUI

/// The one rule for what a movement key does to a position (a list's selection, a pane's scroll
/// offset): a line, a page less one line, either end; always inside `0...last`.
@Suite struct MovementTests {
    @Test func movementKeysStayInRange() {
        #expect(Action.down.moving(3, last: 9, page: 5) == 4)
        #expect(Action.up.moving(0, last: 9, page: 5) == 0)
        #expect(Action.pageDown.moving(3, last: 9, page: 5) == 7)
        #expect(Action.pageDown.moving(8, last: 9, page: 5) == 9)
        #expect(Action.pageUp.moving(3, last: 9, page: 5) == 0)
        #expect(Action.pageDown.moving(0, last: 9, page: 1) == 1, "a page of one line still moves")
        #expect(Action.top.moving(6, last: 9, page: 5) == 0)
        #expect(Action.bottom.moving(2, last: 9, page: 5) == 9)
        #expect(Action.down.moving(0, last: 0, page: 5) == 0, "an empty list stays at 0")
        #expect(Action.open.moving(3, last: 9, page: 5) == nil, "not a movement")
    }

    @Test func listsAndScrollersMoveByTheSameRule() {
        var list = SelectableList()
        #expect(list.move(.bottom, count: 12, page: 4) && list.selected == 11)
        #expect(list.move(.pageUp, count: 12, page: 4) && list.selected == 8)
        #expect(!list.move(.close, count: 12, page: 4) && list.selected == 8)
        var scroller = Scroller()
        #expect(scroller.apply(.bottom, lines: 12, page: 4) && scroller.offset == 8)
        #expect(scroller.apply(.down, lines: 12, page: 4) && scroller.offset == 8, "the last page stays in view")
        #expect(scroller.apply(.pageUp, lines: 12, page: 4) && scroller.offset == 5)
    }
}
