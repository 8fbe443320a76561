//! The shops use cases (being moved here from routes/ and db/).
