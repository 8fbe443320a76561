//! The payments use cases (being moved here from routes/ and db/).
