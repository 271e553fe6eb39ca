# What `make bootstrap` keeps, for the whole account (variables.tf describes each setting).
# Change a value here, commit it and run `make bootstrap` again.

ecr_images_to_keep            = 30
deployed_image_retention_days = 3650
state_noncurrent_version_days = 90
