// Placeholder replaced by the database/Redis test setup.
export default async function setup() {}
