// Tests never need pretty logs; keep them quiet unless a test asks for output.
process.env.LOG_LEVEL ??= "silent";
