//! The orders use cases (being moved here from routes/ and db/).
