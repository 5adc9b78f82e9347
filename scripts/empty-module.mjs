// Stands in for optional packages the bundle must not load (React devtools: only with DEV=true).
export default {};
