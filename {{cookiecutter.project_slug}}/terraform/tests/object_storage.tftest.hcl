# Plan-only tests of modules/object_storage against a mocked AWS provider.

mock_provider "aws" {
  override_during = plan
}

variables {
  bucket_name             = "{{ cookiecutter.project_slug }}-test-assets-123456789012"
  kms_key_arn             = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
  noncurrent_version_days = 30
  force_destroy           = false
}

run "private_encrypted_and_versioned" {
  command = plan

  module {
    source = "./modules/object_storage"
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "Nothing in the bucket may ever be public."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "The bucket owns every object: no ACLs."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn
    error_message = "Every object must be encrypted with the environment's key."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "The bucket must keep old versions."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this.rule).noncurrent_version_expiration[0].noncurrent_days == 30
    error_message = "Old versions must go after noncurrent_version_days."
  }

  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "A bucket holding files must stop a destroy unless force_destroy says otherwise."
  }
}

run "a_bucket_name_s3_refuses_is_refused" {
  command = plan

  module {
    source = "./modules/object_storage"
  }

  variables {
    bucket_name             = "Orders_Assets"
    noncurrent_version_days = 0
  }

  expect_failures = [var.bucket_name, var.noncurrent_version_days]
}
