// placeholder until the sandbox lands: `npm run sandbox -- --port N`
console.error('the intermediary sandbox is not built yet');
process.exit(1);
